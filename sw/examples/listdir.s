# listdir: lists the directory named by its first argument ("." without
# one): one name per line, in the host's directory order, leaving out the
# names that start with '.' (so "." and ".." too); status 0. A directory
# that cannot be opened or read gets "listdir: PATH: errno N" on stderr and
# status 1.
#
# Canonical run (listdir.expected): `listdir only` where only/ holds one
# file, single.txt, so the host's order does not matter.

        .equ    NAME, 16                # offset of the name in a READDIR record

        .text
        .globl  _start
_start:
        call    ring_args
        la      r11, dot
        li      r4, 2
        bltu    r1, r4, 1f
        ldw     r11, r2+4               # argv[1]
1:      mv      r3, r11
        call    ring_opendir
        li      r4, -1
        beq     r1, r4, 4f
        mv      r12, r1                 # directory fd
2:      mv      r3, r12
        la      r4, record
        call    ring_readdir
        beq     r1, r0, 3f
        li      r4, -1
        beq     r1, r4, 4f
        la      r3, record+NAME
        ldbu    r4, r3+0
        li      r5, '.'
        beq     r4, r5, 2b
        call    ring_puts
        li      r3, '\n'
        call    ring_putc
        j       2b
3:      mv      r3, r12
        call    ring_closedir
        li      r4, -1
        beq     r1, r4, 4f
        li      r3, 0
        call    ring_exit
        # Report errno for the path and stop.
4:      la      r3, prefix
        call    ring_eputs
        mv      r3, r11
        call    ring_eputs
        la      r3, middle
        call    ring_eputs
        call    ring_eput_errno
        li      r3, 1
        call    ring_exit

        .section .rodata
dot:
        .asciz  "."
prefix:
        .asciz  "listdir: "
middle:
        .asciz  ": "

        .bss
        .p2align 2
record:
        .zero   272

# cat: writes each file named in its arguments to stdout, in order; with no
# arguments it copies stdin. A file that cannot be opened or read gets
# "cat: PATH: errno N" on stderr and the others are still copied; the exit
# status is then 1, otherwise 0.
#
# Canonical run (cat.expected): `cat first.txt second.txt` with
# first.txt = "first file\n" and second.txt = "second file\nlast line\n".

        .equ    CHUNK, 4096
        .equ    O_READ, 1

        .text
        .globl  _start
_start:
        call    ring_args
        mv      r11, r1                 # argc
        mv      r12, r2                 # argv
        li      r13, 1                  # next argument
        li      r14, 0                  # exit status
        li      r4, 1
        bne     r11, r4, 1f
        li      r3, 0                   # no files: stdin
        la      r4, stdin_name
        call    copy
        mv      r14, r1
        j       3f
1:      bgeu    r13, r11, 3f
        slli    r4, r13, 2
        add     r4, r4, r12
        ldw     r15, r4+0               # path
        mv      r3, r15
        li      r4, O_READ
        call    ring_open
        li      r4, -1
        bne     r1, r4, 2f
        mv      r3, r15
        call    report
        li      r14, 1
        addi    r13, r13, 1
        j       1b
2:      mv      r16, r1                 # fd
        mv      r3, r1
        mv      r4, r15
        call    copy
        or      r14, r14, r1
        mv      r3, r16
        call    ring_close
        addi    r13, r13, 1
        j       1b
3:      mv      r3, r14
        call    ring_exit

# copy(r3 = fd, r4 = its name for messages) -> r1 = 0, or 1 after a read or
# write error (reported on stderr)
copy:
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r11
        stw     sp+4, r12
        mv      r11, r3
        mv      r12, r4
1:      mv      r3, r11
        la      r4, buffer
        li      r5, CHUNK
        call    ring_read
        beq     r1, r0, 3f
        li      r4, -1
        beq     r1, r4, 2f
        mv      r5, r1
        li      r3, 1
        la      r4, buffer
        call    ring_write
        li      r4, -1
        bne     r1, r4, 1b
        la      r12, stdout_name
2:      mv      r3, r12
        call    report
        li      r1, 1
        j       4f
3:      li      r1, 0
4:      ldw     r12, sp+4
        ldw     r11, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret

# report(r3 = name): "cat: NAME: errno N\n" on stderr, N from errno
report:
        addi    sp, sp, -32
        stw     sp+28, lr
        stw     sp+24, r11
        mv      r11, r3
        la      r3, prefix
        call    ring_eputs
        mv      r3, r11
        call    ring_eputs
        la      r3, middle
        call    ring_eputs
        call    ring_eput_errno
        ldw     r11, sp+24
        ldw     lr, sp+28
        addi    sp, sp, 32
        ret

        .section .rodata
prefix:
        .asciz  "cat: "
middle:
        .asciz  ": "
stdin_name:
        .asciz  "(stdin)"
stdout_name:
        .asciz  "(stdout)"

        .bss
        .p2align 2
buffer:
        .zero   CHUNK

# exit_status: exits with the status given as its first argument (decimal),
# 42 without one; prints nothing. The process sees the low 8 bits, so 300
# gives 44. An argument that is not a decimal number gets
# "exit_status: not a number: ARG" on stderr and status 2.
#
# Canonical run: no arguments, status 42, no output.

        .text
        .globl  _start
_start:
        call    ring_args
        li      r3, 42
        li      r4, 2
        bltu    r1, r4, 3f              # no argument
        ldw     r11, r2+4               # argv[1]
        ldbu    r5, r11+0
        beq     r5, r0, 4f              # empty: not a number
        mv      r4, r11
        li      r3, 0
        li      r6, 10
1:      ldbu    r5, r4+0
        beq     r5, r0, 3f
        addi    r5, r5, -'0'
        bgeu    r5, r6, 4f              # not a digit (unsigned: below '0' too)
        mul     r3, r3, r6
        add     r3, r3, r5
        addi    r4, r4, 1
        j       1b
3:      call    ring_exit
4:      la      r3, message
        call    ring_eputs
        mv      r3, r11
        call    ring_eputs
        la      r3, newline
        call    ring_eputs
        li      r3, 2
        call    ring_exit

        .section .rodata
message:
        .asciz  "exit_status: not a number: "
newline:
        .asciz  "\n"

# hello: the smallest complete program. Prints a greeting through DEBUG and
# stops with HALT, exit status 0 (r1).
        .text
        .globl  _start
_start:
        la      r3, message
1:      ldbu    r4, r3+0
        beq     r4, r0, 2f
        debug   r4
        addi    r3, r3, 1
        j       1b
2:      li      r1, 0
        halt

        .section .rodata
message:
        .asciz  "Hello from SLOW-32!\n"

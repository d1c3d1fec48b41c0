# fault_illegal: prints a line through the ring, then executes an illegal
# opcode (0x7E). The line must reach stdout; the exit status is 132.
        .text
        .globl  _start
_start:
        la      r3, line
        call    ring_puts
        .word   0x0000007E
        li      r3, 0
        call    ring_exit

        .section .rodata
line:   .asciz  "before the fault\n"

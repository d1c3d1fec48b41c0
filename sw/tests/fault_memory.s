# fault_memory: prints through DEBUG and the ring, then loads from an
# address no region maps. Exit status 139, the output kept.
        .text
        .globl  _start
_start:
        li      r3, 'D'
        debug   r3
        la      r3, line
        call    ring_puts
        lui     r4, 0xF0000
        ldw     r5, r4+16
        li      r3, 0
        call    ring_exit

        .section .rodata
line:   .asciz  "before the fault\n"

# hello_ring: the ring-device hello world. One WRITE request to stdout,
# then EXIT with status 0, through the guest ring library (sw/lib).
        .text
        .globl  _start
_start:
        la      r3, message
        call    ring_puts
        li      r3, 0
        call    ring_exit

        .section .rodata
message:
        .asciz  "Hello, ring!\n"

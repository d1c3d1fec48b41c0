# chatter: never ends; prints "tick N" through the ring, then computes a
# while, over and over. For the clean-stop tests: a signal arrives while
# requests come and go, and every line written must reach stdout.
        .text
        .globl  _start
_start:
        li      r11, 0                  # line number
1:      la      r3, tick
        call    ring_puts
        mv      r3, r11
        call    ring_put_uint
        li      r3, '\n'
        call    ring_putc
        addi    r11, r11, 1
        li      r12, 2000
2:      addi    r12, r12, -1
        bne     r12, r0, 2b
        j       1b

        .section .rodata
tick:
        .asciz  "tick "

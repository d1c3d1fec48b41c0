# fib: a recursive function with a real stack frame (saves lr and a
# callee-saved register), printing fib(0..20).
        .text
        .globl  _start
_start:
        li      r11, 0
        li      r12, 21
1:      mv      r3, r11
        call    fib
        mv      r3, r1
        call    print_int
        li      r4, ' '
        debug   r4
        addi    r11, r11, 1
        bne     r11, r12, 1b
        call    print_nl
        li      r1, 0
        halt

# fib(r3 = n) -> r1, recursively
        .globl  fib
        .type   fib,@function
fib:
        li      r4, 2
        blt     r3, r4, 2f
        addi    sp, sp, -16
        stw     sp+12, lr
        stw     sp+8, r13
        stw     sp+4, r3
        addi    r3, r3, -1
        call    fib
        mv      r13, r1
        ldw     r3, sp+4
        addi    r3, r3, -2
        call    fib
        add     r1, r1, r13
        ldw     r13, sp+8
        ldw     lr, sp+12
        addi    sp, sp, 16
        ret
2:      mv      r1, r3
        ret
        .size   fib, .-fib

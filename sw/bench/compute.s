# compute: a compute-bound benchmark. N rounds (first argument, default
# 10000) of 1024 xorshift32 steps summed into a checksum, each round ending
# with one MUL and one DIV:
#
#   x = 2463534242; sum = 0
#   for i in 0..N-1:
#     for j in 0..1023:
#       x ^= x << 13; x ^= x >> 17 (logical); x ^= x << 5
#       sum += x + j
#     sum = sum * 31 + (int32)x / ((i & 255) + 1)    (signed division)
#
# prints "checksum=SUM" (unsigned decimal) and exits with status 0. A round
# retires about 10,250 instructions, so the default is over 100 million.

        .equ    INNER, 1024

        .text
        .globl  _start
_start:
        call    ring_args
        mv      r3, r1
        mv      r4, r2
        li      r5, 1
        li      r6, 10000
        call    arg_count
        mv      r11, r1                 # rounds
        li      r12, 0                  # i
        li      r13, 0                  # sum
        li      r14, -1831433054        # x = 2463534242
        li      r16, INNER
        li      r17, 31
1:      bgeu    r12, r11, 3f
        li      r15, 0                  # j
2:      slli    r5, r14, 13
        xor     r14, r14, r5
        srli    r5, r14, 17
        xor     r14, r14, r5
        slli    r5, r14, 5
        xor     r14, r14, r5
        add     r5, r14, r15
        add     r13, r13, r5
        addi    r15, r15, 1
        bne     r15, r16, 2b
        mul     r13, r13, r17
        andi    r5, r12, 255
        addi    r5, r5, 1
        div     r5, r14, r5
        add     r13, r13, r5
        addi    r12, r12, 1
        j       1b
3:      la      r3, label
        call    ring_puts
        mv      r3, r13
        call    ring_put_uint
        li      r3, '\n'
        call    ring_putc
        li      r3, 0
        call    ring_exit

        .section .rodata
label:
        .asciz  "checksum="

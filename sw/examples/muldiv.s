# muldiv: a loop exercising MUL, MULH/MULHU, DIV and REM, including the
# division edge cases the architecture defines (no traps).
        .text
        .globl  _start
_start:
        # sum of i*i*i for i = 1..20 = 44100
        li      r11, 1
        li      r12, 0
        li      r13, 21
1:      mul     r14, r11, r11
        mul     r14, r14, r11
        add     r12, r12, r14
        addi    r11, r11, 1
        bne     r11, r13, 1b
        mv      r3, r12
        call    print_int
        call    print_nl

        # 44100 / 7 = 6300, 44100 % 13 = 4
        li      r4, 7
        div     r3, r12, r4
        call    print_int
        call    print_nl
        li      r4, 13
        rem     r3, r12, r4
        call    print_int
        call    print_nl

        # -17 / 5 = -3 and -17 % 5 = -2 (truncating, like C)
        li      r5, -17
        li      r6, 5
        div     r3, r5, r6
        call    print_int
        call    print_nl
        li      r5, -17
        li      r6, 5
        rem     r3, r5, r6
        call    print_int
        call    print_nl

        # division by zero: DIV gives -1, REM gives the dividend
        li      r5, 1234
        div     r3, r5, r0
        call    print_int
        call    print_nl
        li      r5, 1234
        rem     r3, r5, r0
        call    print_int
        call    print_nl

        # high halves: 0x10000 * 0x10000 = 2^32, signed high part 1;
        # mulhu of -1 * -1 (as unsigned) = 0xFFFFFFFE = -2 as signed
        lui     r5, 16
        mulh    r3, r5, r5
        call    print_int
        call    print_nl
        li      r5, -1
        mulhu   r3, r5, r5
        call    print_int
        call    print_nl

        li      r1, 0
        halt

# fp: single- and double-precision arithmetic in the integer registers
# (f64 in even/odd pairs), conversions, compares and the documented rule for
# converting NaN and out-of-range values.
        .text
        .globl  _start
_start:
        la      r20, consts

        # f32: 1.5 * 2.25 = 3.375; * 1000 -> 3375
        ldw     r5, r20+0
        ldw     r6, r20+4
        fmul.s  r7, r5, r6
        ldw     r8, r20+8
        fmul.s  r7, r7, r8
        fcvt.w.s r3, r7
        call    print_int
        call    print_nl

        # f32 from int: 7 / 2 = 3.5; 3.5 * 1000 -> 3500
        li      r5, 7
        fcvt.s.w r5, r5
        li      r6, 2
        fcvt.s.w r6, r6
        fdiv.s  r9, r5, r6
        fmul.s  r7, r9, r8
        fcvt.w.s r3, r7
        call    print_int
        call    print_nl

        # compares: 3.5 < 3.375 is 0, 3.375 <= 3.5 is 1, 3.5 == 3.5 is 1
        ldw     r5, r20+0
        ldw     r6, r20+4
        fmul.s  r10, r5, r6
        flt.s   r3, r9, r10
        call    print_int
        fle.s   r3, r10, r9
        call    print_int
        feq.s   r3, r9, r9
        call    print_int
        call    print_nl

        # f64: sqrt(2.0) * 1e6 -> 1414213 (truncated toward zero)
        ldw     r12, r20+16
        ldw     r13, r20+20
        fsqrt.d r12, r12
        ldw     r14, r20+24
        ldw     r15, r20+28
        fmul.d  r12, r12, r14
        fcvt.w.d r3, r12
        call    print_int
        call    print_nl

        # f64 -> i64: 1e10 = 2 * 2^32 + 1410065408
        ldw     r14, r20+32
        ldw     r15, r20+36
        fcvt.l.d r16, r14
        mv      r3, r17
        call    print_int
        li      r4, ' '
        debug   r4
        mv      r3, r16
        call    print_int
        call    print_nl

        # f32 -> f64 -> f32 round trip, then -2.5 (f64) to int = -2
        ldw     r5, r20+0
        fcvt.d.s r12, r5
        fcvt.s.d r6, r12
        feq.s   r3, r5, r6
        call    print_int
        ldw     r12, r20+40
        ldw     r13, r20+44
        fcvt.w.d r3, r12
        call    print_int
        call    print_nl

        # NaN -> int is the largest int; -1.5 -> unsigned is 0 (saturation)
        li      r5, 0
        fcvt.s.w r5, r5
        fdiv.s  r5, r5, r5
        fcvt.w.s r3, r5
        call    print_int
        li      r4, ' '
        debug   r4
        ldw     r5, r20+12
        fcvt.wu.s r3, r5
        call    print_int
        call    print_nl

        li      r1, 0
        halt

        .section .rodata
        .p2align 3
consts:
        .word   0x3fc00000              # +0  1.5f
        .word   0x40100000              # +4  2.25f
        .word   0x447a0000              # +8  1000.0f
        .word   0xbfc00000              # +12 -1.5f
        .quad   0x4000000000000000      # +16 2.0
        .quad   0x412e848000000000      # +24 1e6
        .quad   0x4202a05f20000000      # +32 1e10
        .quad   0xc004000000000000      # +40 -2.5

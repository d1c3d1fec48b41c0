# Console output through the DEBUG instruction (no ring device needed), for
# the examples that run on the bare core. Calling convention of the public
# toolchain: arguments in r3.., return address in lr, sp = r29.

        .text

# print_str(r3 = address of a NUL-terminated string)
        .globl  print_str
        .type   print_str,@function
print_str:
1:      ldbu    r4, r3+0
        beq     r4, r0, 2f
        debug   r4
        addi    r3, r3, 1
        j       1b
2:      ret
        .size   print_str, .-print_str

# print_int(r3 = signed value): decimal, with a leading '-' when negative
        .globl  print_int
        .type   print_int,@function
print_int:
        addi    sp, sp, -16
        bge     r3, r0, 1f
        li      r4, '-'
        debug   r4
        sub     r3, r0, r3
1:      addi    r5, sp, 16          # digits are written backwards from here
        li      r6, 10
2:      rem     r4, r3, r6
        div     r3, r3, r6
        addi    r4, r4, '0'
        addi    r5, r5, -1
        stb     r5+0, r4
        bne     r3, r0, 2b
        addi    r7, sp, 16
3:      ldbu    r4, r5+0
        debug   r4
        addi    r5, r5, 1
        bne     r5, r7, 3b
        addi    sp, sp, 16
        ret
        .size   print_int, .-print_int

# print_nl(): a newline
        .globl  print_nl
        .type   print_nl,@function
print_nl:
        li      r4, 10
        debug   r4
        ret
        .size   print_nl, .-print_nl

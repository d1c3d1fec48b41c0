# Command-line helper shared by the benchmarks.

        .text

# arg_count(r3 = argc, r4 = argv, r5 = index, r6 = default)
#   -> r1 = argv[index] as an unsigned decimal, or the default when there is
# no such argument. An argument that is not a decimal number gets
# "bench: not a number: ARG" on stderr and ends the program with status 2.
        .globl  arg_count
        .type   arg_count,@function
arg_count:
        mv      r1, r6
        bgeu    r5, r3, 3f
        slli    r5, r5, 2
        add     r4, r4, r5
        ldw     r7, r4+0
        ldbu    r5, r7+0
        beq     r5, r0, 4f              # empty
        li      r1, 0
        li      r6, 10
1:      ldbu    r5, r7+0
        beq     r5, r0, 3f
        addi    r5, r5, -'0'
        bgeu    r5, r6, 4f              # not a digit (below '0' wraps high)
        mul     r1, r1, r6
        add     r1, r1, r5
        addi    r7, r7, 1
        j       1b
3:      ret
4:      ldw     r11, r4+0
        la      r3, not_a_number
        call    ring_eputs
        mv      r3, r11
        call    ring_eputs
        la      r3, newline
        call    ring_eputs
        li      r3, 2
        call    ring_exit
        .size   arg_count, .-arg_count

        .section .rodata
not_a_number:
        .asciz  "bench: not a number: "
newline:
        .asciz  "\n"

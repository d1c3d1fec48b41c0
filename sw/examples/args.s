# args: prints its argument count and vector, one line each:
#   argc=N
#   argv[0]=PROGRAM
#   argv[1]=...
# then exits with status 0. argv[0] is the program path as given to s32sim.
#
# Canonical run (args.expected): `s32sim args.s32x one "two words" ""`.

        .text
        .globl  _start
_start:
        call    ring_args
        mv      r11, r1                 # argc
        mv      r12, r2                 # argv
        la      r3, argc_label
        call    ring_puts
        mv      r3, r11
        call    ring_put_uint
        call    newline
        li      r13, 0                  # i
1:      bgeu    r13, r11, 2f
        la      r3, argv_label
        call    ring_puts
        mv      r3, r13
        call    ring_put_uint
        la      r3, argv_equals
        call    ring_puts
        slli    r4, r13, 2
        add     r4, r4, r12
        ldw     r3, r4+0
        call    ring_puts
        call    newline
        addi    r13, r13, 1
        j       1b
2:      li      r3, 0
        call    ring_exit

newline:
        li      r3, '\n'
        j       ring_putc

        .section .rodata
argc_label:
        .asciz  "argc="
argv_label:
        .asciz  "argv["
argv_equals:
        .asciz  "]="

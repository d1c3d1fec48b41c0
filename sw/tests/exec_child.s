# exec_child: what exec_parent runs. Prints its argument vector, one line
# each ("child argv[I]=TEXT"), then exits with status 7.

        .text
        .globl  _start
_start:
        call    ring_args
        mv      r11, r1                 # argc
        mv      r12, r2                 # argv
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
        li      r3, '\n'
        call    ring_putc
        addi    r13, r13, 1
        j       1b
2:      li      r3, 7
        call    ring_exit

        .section .rodata
argv_label:
        .asciz  "child argv["
argv_equals:
        .asciz  "]="

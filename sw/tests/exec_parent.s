# exec_parent: runs a child program with EXEC (0x10) and prints what it got.
#   exec_parent [-o FILE] CHILD [ARGS...]
# Prints "parent start", EXECs CHILD with ARGS (the child's stdin, stdout
# and stderr are the parent's, or FILE opened for writing with -o), then
# "parent status N" (the child's exit status) or "parent errno N", and
# exits 0. Without CHILD the request is empty (EINVAL).

        .equ    OP_EXEC, 0x10
        .equ    OPEN_WRITE_CREATE_TRUNCATE, 26
        .equ    INHERIT_STDIO, -1

        .text
        .globl  _start
_start:
        call    ring_args
        mv      r11, r1                 # argc
        mv      r12, r2                 # argv
        li      r13, 1                  # index of CHILD
        li      r14, INHERIT_STDIO      # EXEC's status: the child's stdio
        la      r3, start_text
        call    ring_puts
        li      r4, 3
        bltu    r11, r4, 1f
        ldw     r3, r12+4
        la      r4, dash_o
        call    strcmp
        bne     r1, r0, 1f
        ldw     r3, r12+8
        li      r4, OPEN_WRITE_CREATE_TRUNCATE
        call    ring_open
        li      r4, -1
        beq     r1, r4, 8f
        mv      r14, r1
        li      r13, 3
        # The payload: CHILD, then each argument, each with its NUL.
1:      call    ring_data
        mv      r15, r1                 # next free byte
        mv      r16, r1                 # payload start
2:      bgeu    r13, r11, 3f
        slli    r4, r13, 2
        add     r4, r4, r12
        ldw     r17, r4+0
        mv      r3, r17
        call    strlen
        addi    r5, r1, 1
        mv      r3, r15
        mv      r4, r17
        add     r15, r15, r5
        call    memcpy
        addi    r13, r13, 1
        j       2b
3:      li      r3, OP_EXEC
        sub     r4, r15, r16
        li      r5, 0
        mv      r6, r14
        call    ring_request
        li      r4, -1
        beq     r1, r4, 8f
        mv      r11, r1
        la      r3, status_text
        call    ring_puts
        mv      r3, r11
        call    ring_put_uint
        j       9f
8:      la      r3, errno_label
        call    ring_puts
        la      r4, errno
        ldw     r3, r4+0
        call    ring_put_uint
9:      li      r3, '\n'
        call    ring_putc
        li      r3, 0
        call    ring_exit

        .section .rodata
start_text:
        .asciz  "parent start\n"
dash_o:
        .asciz  "-o"
status_text:
        .asciz  "parent status "
errno_label:
        .asciz  "parent errno "

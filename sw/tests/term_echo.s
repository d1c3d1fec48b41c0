# term_echo: asks for the term service, enters raw mode, clears the screen,
# writes "hello" at row 5, column 10, then echoes each key READ_KEY returns
# until 'q' (not echoed) or the end of input, and EXITs 0 still in raw mode:
# s32sim must restore the terminal itself. Exit 1 if term is not granted.

        .equ    T_SET_MODE, 0
        .equ    T_MOVE_CURSOR, 2
        .equ    T_CLEAR, 3
        .equ    T_READ_KEY, 5
        .equ    T_PUTC, 8
        .equ    T_PUTS, 9

        .text
        .globl  _start
_start:
        la      r3, term_name
        call    ring_service
        li      r4, -1
        beq     r1, r4, fail
        mv      r12, r1                 # the opcode base
        call    ring_data
        mv      r11, r1                 # the data buffer
        addi    r3, r12, T_SET_MODE
        li      r6, 1                   # raw
        call    term_op
        bne     r1, r0, fail
        addi    r3, r12, T_CLEAR
        li      r6, 0
        call    term_op
        addi    r3, r12, T_MOVE_CURSOR
        li      r6, 0x5000A             # row 5, column 10
        call    term_op
        mv      r3, r11
        la      r4, hello
        li      r5, 5
        call    memcpy
        addi    r3, r12, T_PUTS
        li      r4, 5
        li      r5, 0
        li      r6, 0
        call    ring_request
1:      addi    r3, r12, T_READ_KEY
        li      r6, 0
        call    term_op
        li      r4, 'q'
        beq     r1, r4, 2f
        li      r4, -3                  # end of input
        beq     r1, r4, 2f
        addi    r3, r12, T_PUTC
        mv      r6, r1
        call    term_op
        j       1b
2:      li      r3, 0
        call    ring_exit
fail:
        li      r3, 1
        call    ring_exit

# term_op(r3 = opcode, r6 = status) -> r1 = response status; length 0,
# offset 0
term_op:
        li      r4, 0
        li      r5, 0
        j       ring_request

        .section .rodata
term_name:
        .asciz  "term"
hello:
        .ascii  "hello"

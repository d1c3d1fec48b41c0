# echo: copies stdin to stdout byte for byte until the end of input, then
# exits with status 0. Input arrives one GETCHAR request per byte (as in the
# public toolchain's library); output is buffered and written at each
# newline, when the buffer is full and at the end, so an interactive user
# sees whole lines without paying one WRITE per byte.
#
# Canonical run (echo.expected): stdin = echo.expected itself.

        .equ    BUF_SIZE, 256

        .text
        .globl  _start
_start:
        li      r11, 0                  # bytes buffered
        la      r12, buffer
1:      call    ring_getchar
        li      r4, -1
        beq     r1, r4, 3f
        add     r5, r12, r11
        stb     r5+0, r1
        addi    r11, r11, 1
        li      r4, '\n'
        beq     r1, r4, 2f
        li      r4, BUF_SIZE
        bne     r11, r4, 1b
2:      mv      r3, r11
        call    flush
        li      r11, 0
        j       1b
3:      mv      r3, r11
        call    flush
        li      r3, 0
        call    ring_exit

# flush(r3 = bytes buffered): writes them to stdout; a failed write ends
# the program with status 1, since output would be lost silently.
flush:
        addi    sp, sp, -16
        stw     sp+12, lr
        beq     r3, r0, 1f
        mv      r5, r3
        la      r4, buffer
        li      r3, 1
        call    ring_write
        bge     r1, r0, 1f
        li      r3, 1
        call    ring_exit
1:      ldw     lr, sp+12
        addi    sp, sp, 16
        ret

        .bss
buffer:
        .zero   BUF_SIZE

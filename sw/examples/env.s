# env: looks up the environment variable named by its first argument (HOME
# without one) with GETENV and prints "NAME=value", status 0, or
# "NAME unset", status 1 (like printenv). The guest sees only the variables
# s32sim is told to pass (--env, --pass-env), never the whole host
# environment. Values longer than 4095 bytes count as unset.
#
# Canonical run (env.expected): `s32sim --env HOME=/home/guest env.s32x`.

        .equ    VALUE_SIZE, 4096

        .text
        .globl  _start
_start:
        call    ring_args
        la      r11, home
        li      r4, 2
        bltu    r1, r4, 1f
        ldw     r11, r2+4               # argv[1]
1:      mv      r3, r11
        la      r4, value
        li      r5, VALUE_SIZE
        call    ring_getenv
        li      r4, -1
        beq     r1, r4, 2f
        mv      r3, r11
        call    ring_puts
        li      r3, '='
        call    ring_putc
        la      r3, value
        call    ring_puts
        li      r3, '\n'
        call    ring_putc
        li      r3, 0
        call    ring_exit
2:      mv      r3, r11
        call    ring_puts
        la      r3, unset
        call    ring_puts
        li      r3, 1
        call    ring_exit

        .section .rodata
home:
        .asciz  "HOME"
unset:
        .asciz  " unset\n"

        .bss
value:
        .zero   VALUE_SIZE

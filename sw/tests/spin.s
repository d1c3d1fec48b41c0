# spin: never ends; for --max-cycles.
        .text
        .globl  _start
_start:
1:      addi    r3, r3, 1
        j       1b

# tube_square: asks for the tube service, opens vector mode, PRESENTs
# services.md's square-and-dot display list (from RAM) and then an empty
# one, and prints "frames N" from STATUS and "keys C1 C2 ..." for the key
# records KEYS hands back (from --tube-keys). Exit 1 if tube is not granted
# or an operation fails.

        .equ    TUBE_OPEN, 1
        .equ    TUBE_PRESENT, 3
        .equ    TUBE_STATUS, 4
        .equ    TUBE_KEYS, 5
        .equ    VECTOR_MODE, 1
        .equ    KEYS_AT, 0x8000

        .text
        .globl  _start
_start:
        la      r3, tube_name
        call    ring_service
        li      r4, -1
        beq     r1, r4, fail
        mv      r12, r1                 # the opcode base
        call    ring_data
        mv      r11, r1                 # the data buffer
        addi    r3, r12, TUBE_OPEN
        li      r4, 0
        li      r5, 0
        li      r6, VECTOR_MODE
        call    ring_request
        bne     r1, r0, fail
        # PRESENT: status = the list, length = its words, offset = generation.
        addi    r3, r12, TUBE_PRESENT
        li      r4, 8
        li      r5, 1
        la      r6, square
        call    ring_request
        bne     r1, r0, fail
        addi    r3, r12, TUBE_PRESENT
        li      r4, 1
        li      r5, 2
        la      r6, empty
        call    ring_request
        bne     r1, r0, fail
        addi    r3, r12, TUBE_STATUS
        li      r4, 0
        li      r5, 0
        li      r6, 0
        call    ring_request
        mv      r13, r1
        la      r3, frames_text
        call    ring_puts
        mv      r3, r13
        call    ring_put_uint
        li      r3, 10
        call    ring_putc
        # KEYS: up to 8 records into the data buffer, past where the
        # printing below stages its text.
        addi    r3, r12, TUBE_KEYS
        li      r4, 32
        li      r5, KEYS_AT
        li      r6, 0
        call    ring_request
        li      r4, -1
        beq     r1, r4, fail
        mv      r13, r1                 # records
        li      r15, KEYS_AT
        add     r15, r15, r11           # where they are
        la      r3, keys_text
        call    ring_puts
        li      r14, 0
1:      bgeu    r14, r13, 2f
        li      r3, 32
        call    ring_putc
        slli    r4, r14, 2
        add     r4, r4, r15
        ldhu    r3, r4+0                # the key code
        call    ring_put_uint
        addi    r14, r14, 1
        j       1b
2:      li      r3, 10
        call    ring_putc
        li      r3, 0
        call    ring_exit
fail:
        li      r3, 1
        call    ring_exit

        .section .rodata
tube_name:
        .asciz  "tube"
frames_text:
        .asciz  "frames "
keys_text:
        .asciz  "keys"

        .data
        .p2align 2
# op << 28 | x << 16 | y << 4: MOVE 100,100; DRAW 300,100; DRAW 300,300;
# DRAW 100,300; DRAW 100,100; INTEN 128; POINT 200,200; END.
square:
        .word   0x10640640
        .word   0x212C0640
        .word   0x212C12C0
        .word   0x206412C0
        .word   0x20640640
        .word   0x40000080
        .word   0x30C80C80
        .word   0
empty:
        .word   0

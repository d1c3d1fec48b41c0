# throughput: N WRITE requests of 32 KiB each (first argument, default 200)
# to stdout, or to the file named by the second argument (created or
# truncated), which then also gets "wrote BYTES bytes" on stdout. The block
# is 512 lines of 64 bytes: 63 letters cycling through 'a'..'z' from 'a' at
# each line start, then '\n'. Status 0, or 1 with "throughput: errno N" on
# stderr when the file cannot be opened or a write fails ("throughput:
# short write" when it writes less).

        .equ    BLOCK, 32768
        .equ    LINE, 64
        .equ    O_WRITE_CREATE_TRUNC, 0x1A

        .text
        .globl  _start
_start:
        call    ring_args
        mv      r15, r1                 # argc
        mv      r16, r2                 # argv
        mv      r3, r1
        mv      r4, r2
        li      r5, 1
        li      r6, 200
        call    arg_count
        mv      r11, r1                 # blocks
        li      r12, 1                  # fd: stdout
        li      r4, 3
        bltu    r15, r4, 1f
        ldw     r3, r16+8               # argv[2]
        li      r4, O_WRITE_CREATE_TRUNC
        call    ring_open
        li      r4, -1
        beq     r1, r4, 9f
        mv      r12, r1
1:      call    fill
        li      r13, 0                  # blocks written
2:      bgeu    r13, r11, 3f
        mv      r3, r12
        la      r4, block
        li      r5, BLOCK
        call    ring_write
        li      r4, -1
        beq     r1, r4, 9f
        li      r4, BLOCK
        bne     r1, r4, 8f
        addi    r13, r13, 1
        j       2b
3:      li      r4, 1
        beq     r12, r4, 4f
        mv      r3, r12
        call    ring_close
        li      r4, -1
        beq     r1, r4, 9f
        la      r3, wrote
        call    ring_puts
        slli    r3, r11, 15             # blocks * BLOCK
        call    ring_put_uint
        la      r3, bytes
        call    ring_puts
4:      li      r3, 0
        call    ring_exit
8:      la      r3, short
        call    ring_eputs
        li      r3, 1
        call    ring_exit
9:      la      r3, failed
        call    ring_eputs
        call    ring_eput_errno
        li      r3, 1
        call    ring_exit

# fill(): the block's lines
fill:
        la      r3, block
        li      r4, 0                   # offset
        li      r5, BLOCK
        li      r6, 'a'
        li      r7, 'z'
        li      r8, LINE-1
1:      bgeu    r4, r5, 4f
        andi    r9, r4, LINE-1
        bne     r9, r8, 2f
        li      r10, '\n'
        li      r6, 'a'
        j       3f
2:      mv      r10, r6
        addi    r6, r6, 1
        bge     r7, r6, 3f
        li      r6, 'a'
3:      add     r9, r3, r4
        stb     r9+0, r10
        addi    r4, r4, 1
        j       1b
4:      ret

        .section .rodata
wrote:
        .asciz  "wrote "
bytes:
        .asciz  " bytes\n"
failed:
        .asciz  "throughput: "
short:
        .asciz  "throughput: short write\n"

        .bss
        .p2align 2
block:
        .zero   BLOCK

# dma_window: READ_DIRECT aimed at the ring window itself (8 bytes of the
# file named by argv[1] onto REQ_HEAD and REQ_TAIL at __mmio_base). The
# device must refuse its own window with EFAULT instead of letting the DMA
# move its indices; prints "EFAULT" and exits 0 when it does.
        .text
        .globl  _start
_start:
        call    ring_args
        ldw     r3, r2+4                # argv[1]
        li      r4, 1                   # read-only
        call    ring_open
        blt     r1, r0, fail
        mv      r6, r1                  # fd
        li      r3, 0x0C                # READ_DIRECT
        li      r4, 8
        la      r5, __mmio_base         # REQ_HEAD, REQ_TAIL
        call    ring_request
        li      r4, -1
        bne     r1, r4, fail
        la      r4, errno
        ldw     r4, r4+0
        li      r5, 14                  # EFAULT
        bne     r4, r5, fail
        la      r3, msg
        call    ring_puts
        li      r3, 0
        call    ring_exit
fail:
        li      r3, 1
        call    ring_exit

        .section .rodata
msg:    .asciz  "EFAULT\n"

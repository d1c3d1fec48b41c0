# dma_code: built without W^X. Calls `patch`, which prints 'A', then reads the
# file named by argv[1] straight over `patch` with READ_DIRECT (a DMA write
# into code) and calls it again: the new code must run, so the CPU may not
# keep the old instructions it predecoded.
        .text
        .globl  _start
_start:
        call    patch
        call    ring_args
        ldw     r3, r2+4                # argv[1]
        li      r4, 1                   # read-only
        call    ring_open
        blt     r1, r0, fail
        mv      r6, r1                  # fd
        li      r3, 0x0C                # READ_DIRECT
        li      r4, 4                   # one instruction: the li below
        la      r5, patch               # a guest address, not a buffer offset
        call    ring_request
        li      r4, 4
        bne     r1, r4, fail
        call    patch
        li      r3, 10
        debug   r3
        li      r3, 0
        call    ring_exit
fail:
        li      r3, 1
        call    ring_exit

        .p2align 2
patch:
        li      r3, 'A'
        debug   r3
        ret

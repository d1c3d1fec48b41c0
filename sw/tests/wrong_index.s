# wrong_index: writes REQ_TAIL, which belongs to the device: a protocol
# violation (stops the run under --strict), then exits normally.
        .text
        .globl  _start
_start:
        la      r4, __mmio_base
        li      r5, 3
        stw     r4+4, r5
        li      r3, 0
        call    ring_exit

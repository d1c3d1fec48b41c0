# The guest side of the ring protocol (ring-abi.md): submit one request,
# wait for its response, consume it; the two halves are also callable on
# their own, so a program can compute while its request is served. Like the
# public toolchain's MMIO library it keeps one request in flight and YIELDs
# while it waits, so it runs under every execution model s32sim offers.
#
# Calling convention of the public toolchain: arguments in r3..r10, results
# in r1 (and r2), return address in lr, r11..r28 preserved, sp = r29.

        .equ    RING_REQ_HEAD, 0x0000
        .equ    RING_REQ_TAIL, 0x0004
        .equ    RING_DATA, 0x4000
        .equ    EIO, 5
        .equ    EINTR, 4

        .bss
        .p2align 2
        .globl  errno
        .type   errno,@object
errno:
        .zero   4
        .size   errno, 4

        .text

# ring_request(r3 = opcode, r4 = length, r5 = offset, r6 = status)
#   -> r1 = response status, r2 = response length
# ring_submit, then ring_wait_response. On ERR (0xFFFFFFFF) errno = length
# when 1..4095, else EIO; on 0xFFFFFFFE errno = EINTR.
        .globl  ring_request
        .type   ring_request,@function
ring_request:
        mv      r1, lr                  # ring_submit leaves r1 alone
        call    ring_submit
        mv      lr, r1
        j       ring_wait_response
        .size   ring_request, .-ring_request

# ring_submit(r3 = opcode, r4 = length, r5 = offset, r6 = status): publish
# one request and return without waiting for its response, so the caller
# can work while the device serves it; ring_wait_response collects it.
# Clobbers only r2 and r7..r10.
        .globl  ring_submit
        .type   ring_submit,@function
ring_submit:
        la      r7, __mmio_base
        # Wait for a free request slot: the ring is full at 255 entries.
1:      ldw     r8, r7+RING_REQ_HEAD
        ldw     r9, r7+RING_REQ_TAIL
        addi    r10, r8, 1
        andi    r10, r10, 255
        bne     r10, r9, 2f
        yield
        j       1b
        # Fill the descriptor at REQ_HEAD, then publish it (the doorbell).
2:      slli    r9, r8, 4
        add     r9, r9, r7
        lui     r2, 1                   # + 0x1000: request ring
        add     r9, r9, r2
        stw     r9+0, r3
        stw     r9+4, r4
        stw     r9+8, r5
        stw     r9+12, r6
        stw     r7+RING_REQ_HEAD, r10
        ret
        .size   ring_submit, .-ring_submit

# ring_wait_response() -> r1 = response status, r2 = response length, errno
# as for ring_request: YIELDs until the oldest unconsumed response is
# posted, then reads and consumes it.
        .globl  ring_wait_response
        .type   ring_wait_response,@function
ring_wait_response:
        la      r7, __mmio_base
        # Wait for a response: RESP_HEAD != RESP_TAIL.
        lui     r2, 2                   # + 0x2000: RESP_HEAD, RESP_TAIL
        add     r2, r2, r7
3:      ldw     r8, r2+0
        ldw     r9, r2+4
        bne     r8, r9, 4f
        yield
        j       3b
        # Read it at RESP_TAIL (+ 0x3000), then consume it.
4:      slli    r10, r9, 4
        add     r10, r10, r2
        lui     r3, 1
        add     r10, r10, r3
        ldw     r1, r10+12
        ldw     r3, r10+4
        addi    r9, r9, 1
        andi    r9, r9, 255
        stw     r2+4, r9
        mv      r2, r3
        li      r4, -1
        bne     r1, r4, 6f
        li      r4, EIO
        addi    r5, r2, -1
        li      r6, 4095
        bgeu    r5, r6, 5f              # length outside 1..4095
        mv      r4, r2
5:      la      r5, errno
        stw     r5+0, r4
        ret
6:      li      r4, -2
        bne     r1, r4, 7f
        li      r4, EINTR
        la      r5, errno
        stw     r5+0, r4
7:      ret
        .size   ring_wait_response, .-ring_wait_response

# ring_data() -> r1 = address of the data buffer
        .globl  ring_data
        .type   ring_data,@function
ring_data:
        la      r1, __mmio_base
        lui     r2, 4                   # + 0x4000
        add     r1, r1, r2
        ret
        .size   ring_data, .-ring_data

# ring_exit(r3 = status): never returns. Like the public library it
# submits EXIT without waiting for a response and YIELDs until the host
# stops the program.
        .globl  ring_exit
        .type   ring_exit,@function
ring_exit:
        mv      r6, r3
        li      r3, 9                   # EXIT
        li      r4, 0
        li      r5, 0
        call    ring_submit
1:      yield
        j       1b
        .size   ring_exit, .-ring_exit

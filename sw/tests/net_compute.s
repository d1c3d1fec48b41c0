# net_compute: listens (tcp_listen: the port goes to the file "port"),
# submits an ACCEPT without waiting for it and counts loop iterations until
# its response is posted; then sends "r" to the peer and does the same with
# a one-byte RECV on the connection. Prints "accept N" and "recv M" and exits 0. Under --host-io
# async --host-latency measured the CPU computes for as long as the host
# call blocks; under the modelled latency the device waits for the host at
# the earliest cycle the response could be due, so N and M stay small.

        .equ    OP_ACCEPT, 0x42
        .equ    OP_SEND, 0x43
        .equ    OP_RECV, 0x44

        .text
        .globl  _start
_start:
        la      r3, port_file
        call    tcp_listen
        li      r4, -1
        beq     r1, r4, fail
        mv      r11, r1
        li      r3, OP_ACCEPT
        li      r4, 8
        li      r5, 0
        mv      r6, r11
        call    ring_submit
        call    count_until_response
        mv      r14, r1
        call    ring_wait_response
        li      r4, -1
        beq     r1, r4, fail
        mv      r12, r1                 # the connection
        # "r": the peer may now time the RECV from its arrival.
        call    ring_data
        li      r2, 'r'
        stb     r1+0, r2
        li      r3, OP_SEND
        li      r4, 1
        li      r5, 0
        mv      r6, r12
        call    ring_request
        li      r4, 1
        bne     r1, r4, fail
        li      r3, OP_RECV
        li      r4, 1
        li      r5, 0
        mv      r6, r12
        call    ring_submit
        call    count_until_response
        mv      r15, r1
        call    ring_wait_response
        li      r4, 1
        bne     r1, r4, fail
        mv      r3, r12
        call    ring_close
        la      r3, accept_text
        call    ring_puts
        mv      r3, r14
        call    ring_put_uint
        la      r3, recv_text
        call    ring_puts
        mv      r3, r15
        call    ring_put_uint
        la      r3, newline
        call    ring_puts
        li      r3, 0
        call    ring_exit
fail:
        la      r3, failed
        call    ring_eputs
        call    ring_eput_errno
        li      r3, 1
        call    ring_exit

# count_until_response() -> r1 = loop iterations until a response is posted
count_until_response:
        li      r1, 0
        la      r7, __mmio_base
        lui     r2, 2                   # + 0x2000: RESP_HEAD, RESP_TAIL
        add     r2, r2, r7
1:      addi    r1, r1, 1
        ldw     r8, r2+0
        ldw     r9, r2+4
        beq     r8, r9, 1b
        ret

        .section .rodata
port_file:
        .asciz  "port"
accept_text:
        .asciz  "accept "
recv_text:
        .asciz  "\nrecv "
newline:
        .asciz  "\n"
failed:
        .asciz  "net_compute: failed, "

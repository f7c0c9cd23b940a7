// The embedded broker's packet size limit. aedes has none: it buffers a packet
// until its last byte arrives, so a single 100 MB publish was held in memory
// whole. This reads the length each MQTT packet announces in its fixed header
// (MQTT 3.1.1 section 2.2.3) as the bytes go by, and refuses the packet before
// its body is buffered.

/** Follows the packets in a byte stream; `watch` answers the total size of the first packet over `maxBytes`, or undefined. */
export function packetSizeGuard(maxBytes: number): { watch(chunk: Buffer): number | undefined } {
  let bodyLeft = 0;        // bytes of the current packet's body still to come
  let inLength = false;    // reading the variable-length "remaining length" field
  let length = 0;
  let lengthBytes = 0;
  return {
    watch(chunk) {
      let at = 0;
      while (at < chunk.length) {
        if (bodyLeft > 0) {
          const skip = Math.min(bodyLeft, chunk.length - at);
          bodyLeft -= skip;
          at += skip;
          continue;
        }
        if (!inLength) {
          // The packet type and flags: one byte, then the length.
          inLength = true;
          length = 0;
          lengthBytes = 0;
          at += 1;
          continue;
        }
        const byte = chunk[at]!;
        at += 1;
        length += (byte & 0x7f) * 128 ** lengthBytes;
        lengthBytes += 1;
        if (byte & 0x80 && lengthBytes < 4) continue;
        inLength = false;
        const total = 1 + lengthBytes + length;
        if (total > maxBytes) return total;
        bodyLeft = length;
      }
      return undefined;
    },
  };
}

// Commands and acks are small MQTT packets written one after another (a PUBACK,
// then the next PUBLISH): with Nagle's algorithm on, the second waits for the
// peer's delayed ACK, about 40 ms a hop. Profiled in bench/ as 90 ms of a 94 ms
// toggle; off on every MQTT socket we open or accept (brokers such as Mosquitto
// leave it on by default).
import type { Socket } from 'node:net';
import type { MqttClient } from 'mqtt';

export function sendWithoutDelay(client: MqttClient): void {
  const apply = () => (client.stream as Partial<Socket> | undefined)?.setNoDelay?.(true);
  apply();
  // A reconnection opens a new socket.
  client.on('connect', apply);
}

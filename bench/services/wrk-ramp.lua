-- wrk script of bench/http: each connection's first request waits its turn,
-- GAP ms after the one before, then requests follow without delay.
--   wrk ... -s bench/services/wrk-ramp.lua URL -- CONNECTIONS_PER_THREAD GAP_MS
-- QEMU's user network listens for a forwarded port with a backlog of 1: when
-- a burst of new connections finds that queue full, the host kernel drops
-- the handshake's last ACK, the client believes it is connected and sends its
-- request, and the request waits for retransmissions (for seconds) before
-- QEMU sees the connection. Spread out, each first request finds the queue
-- free. wrk starts a request's clock when it writes it, so the wait is not
-- in the latencies.
local connections, gap, started = 0, 0, 0

function init(args)
  connections = tonumber(args[1]) or 0
  gap = tonumber(args[2]) or 0
end

function delay()
  if started < connections then
    started = started + 1
    return (started - 1) * gap
  end
  return 0
end

-- wrk script of bench/http: connections are opened GAP ms apart, and their
-- first requests all go when the last is open; requests follow without delay.
--   WRK_RAMP_GAP_MS=GAP wrk -tN -cN ... -s bench/services/wrk-ramp.lua URL -- N GAP
-- Run with one connection per thread (-t equal to -c): wrk opens a thread's
-- connections together, but calls setup() for one thread after another, each
-- before the thread starts, and starts its clock after the last.
--
-- Why: QEMU's user network listens for a forwarded port with a backlog of 1.
-- The host kernel drops a SYN that finds that queue full, so of a burst of
-- connections some wait for SYN retransmissions, 1, 3, 7 s later, idle (a
-- capture of 16 at once: 8 got no SYN-ACK). Opened GAP ms apart, each finds
-- the queue empty: QEMU has accepted the one before.
-- LuaJIT's FFI gives the sleep: wrk is built with LuaJIT (Debian's is).
local ffi = require("ffi")
ffi.cdef("int usleep(unsigned int usec);")

-- In the main Lua state: the threads set up so far.
local threads = 0

function setup(thread)
  if threads > 0 then ffi.C.usleep((tonumber(os.getenv("WRK_RAMP_GAP_MS")) or 0) * 1000) end
  thread:set("index", threads)
  threads = threads + 1
end

-- In a thread's Lua state: how long its first request waits.
local first = 0

function init(args)
  local count, gap = tonumber(args[1]) or 1, tonumber(args[2]) or 0
  first = math.max(0, count - 1 - index) * gap
end

function delay()
  local wait = first
  first = 0
  return wait
end

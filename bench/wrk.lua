-- The bench's wrk script (bench/wrk.py). Read from the environment:
--   WRK_PORTS     the servers' ports on 127.0.0.1, comma-separated: thread i uses port i mod n
--   WRK_METHOD, WRK_BODY, WRK_HEADERS ("Name: value" lines): one fixed request, or
--   WRK_REQUESTS  a file of prepared raw requests ("<length>\n<bytes>" each), each sent once,
--                 thread i of n taking requests i, i+n, ...
--   WRK_THREADS   wrk's -t
--   WRK_REPORT    where done() writes its JSON summary

local threads = {}
local ports = {}
for port in string.gmatch(os.getenv("WRK_PORTS") or "", "%d+") do
   table.insert(ports, port)
end

function setup(thread)
   table.insert(threads, thread)
   local index = #threads
   if #ports > 0 then
      local port = ports[(index - 1) % #ports + 1]
      thread.addr = wrk.lookup("127.0.0.1", port)[1]
   end
   thread:set("index", index - 1)
end

local prepared = os.getenv("WRK_REQUESTS")
if prepared then
   local mine = {}
   local next_one = 1
   local checking = false
   -- Sent once the prepared requests are used up, while the thread stops: harmless.
   local spare = "GET /bench/trivial/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
   exhausted = 0

   function init(args)
      local index, count = wrk.thread:get("index"), tonumber(os.getenv("WRK_THREADS"))
      -- wrk asks thread 0's script for one request before the run, to check it: not sent.
      checking = index == 0
      local file = assert(io.open(prepared, "rb"))
      local data = file:read("*a")
      file:close()
      local position, number = 1, 0
      while position <= #data do
         local newline = string.find(data, "\n", position, true)
         local length = tonumber(string.sub(data, position, newline - 1))
         if number % math.max(count, 1) == index then
            table.insert(mine, string.sub(data, newline + 1, newline + length))
         end
         number = number + 1
         position = newline + 1 + length
      end
   end

   function request()
      if checking then
         checking = false
         return mine[1] or spare
      end
      if next_one > #mine then
         exhausted = 1
         wrk.thread:stop()
         return spare
      end
      local raw = mine[next_one]
      next_one = next_one + 1
      return raw
   end
else
   wrk.method = os.getenv("WRK_METHOD") or "GET"
   local body = os.getenv("WRK_BODY") or ""
   if body ~= "" then
      wrk.body = body
   end
   for name, value in string.gmatch(os.getenv("WRK_HEADERS") or "", "([^:\n]+): ([^\n]*)") do
      wrk.headers[name] = value
   end
end

function done(summary, latency, requests)
   local exhausted_threads = 0
   for _, thread in ipairs(threads) do
      if thread:get("exhausted") == 1 then
         exhausted_threads = exhausted_threads + 1
      end
   end
   local parts = {}
   for _, p in ipairs({50, 75, 90, 99, 99.9}) do
      table.insert(parts, string.format('"%s": %d', tostring(p), latency:percentile(p)))
   end
   local errors = summary.errors
   local out = assert(io.open(os.getenv("WRK_REPORT"), "w"))
   out:write(string.format(
      '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
         .. '"write": %d, "status": %d, "timeout": %d, "exhausted": %d, "latency_us": {%s}}',
      summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
      errors.write, errors.status, errors.timeout, exhausted_threads, table.concat(parts, ", ")))
   out:close()
end

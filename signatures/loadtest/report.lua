-- Shared by the scripts: one JSON line with wrk's figures and the threads' counts.
function done(summary, latency, requests)
  local counts = { accepted = 0, not_modified = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(counts) do counts[name] = counts[name] + (thread:get(name) or 0) end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, '
      .. '"accepted": %d, "not_modified": %d, "other": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), counts.accepted, counts.not_modified, counts.other,
    errors.connect + errors.read + errors.write + errors.timeout))
end

-- GETs the URL wrk was given, counting the answers by status: 200 and 304 apart.
threads = {}  -- global: report.lua reads it

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  accepted, not_modified, other = 0, 0, 0
end

function response(status, headers, body)
  if status == 200 then accepted = accepted + 1
  elseif status == 304 then not_modified = not_modified + 1
  else other = other + 1 end
end

dofile(os.getenv("LOADTEST_REPORT_LUA"))

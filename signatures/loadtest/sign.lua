-- POSTs the signing form with a new organization each time, as a person's browser would once
-- the form was shown: the CSRF secret as cookie and token, the signed moment the form was
-- rendered, the robot trap empty. Arguments: the rendered_at stamp, the CSRF secret, a name
-- prefix unique to the run. Counts 302s (accepted) and anything else.
threads = {}  -- global: report.lua reads it

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  stamp, secret, prefix = args[1], args[2], args[3]
  sent, accepted, other = 0, 0, 0
end

local function encode(text)
  return (text:gsub("[^%w%-%.@]", function(c) return string.format("%%%02X", c:byte()) end))
end

function request()
  sent = sent + 1
  local tag = string.format("%d-%06d", id, sent)
  local body = table.concat({
    "name=" .. encode(prefix .. " " .. tag),
    "website=" .. encode("https://lt-" .. tag .. ".example.org"),
    "city=Springfield", "region=IL", "country=United+States",
    "contact_name=Load+Tester", "contact_title=",
    "contact_email=" .. encode("signer-" .. tag .. "@lt-" .. tag .. ".example.org"),
    "authorized=on", "note=", "leave_blank=",
    "rendered_at=" .. encode(stamp), "csrfmiddlewaretoken=" .. secret,
  }, "&")
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. secret,
  }, body)
end

function response(status, headers, body)
  if status == 302 then accepted = accepted + 1 else other = other + 1 end
end

dofile(os.getenv("LOADTEST_REPORT_LUA"))

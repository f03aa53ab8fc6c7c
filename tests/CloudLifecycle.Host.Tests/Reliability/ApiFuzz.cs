using System.Globalization;
using System.Text;

namespace CloudLifecycle.Host.Tests.Reliability;

/// <summary>How a fuzzed request frames its body.</summary>
internal enum BodyFraming
{
    /// <summary>Content-Length, as long as the body.</summary>
    Length,

    /// <summary>Transfer-Encoding: chunked, well formed.</summary>
    Chunked,

    /// <summary>Transfer-Encoding: chunked announcing a chunk of <see cref="FuzzRequest.ChunkSize"/> (hex) and sending less.</summary>
    ChunkedLying,

    /// <summary>Content-Length larger than the body sent (the sender hangs up early).</summary>
    LengthLying,

    /// <summary>Both Content-Length and Transfer-Encoding (a smuggling attempt).</summary>
    Both,
}

/// <summary>
/// One generated request: method, request target as sent on the wire (percent-encoded), headers, body
/// and framing. <see cref="WireOnly"/> requests need a real HTTP parser (Kestrel): the test server has none.
/// </summary>
internal sealed record FuzzRequest(string Kind, string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, BodyFraming Framing = BodyFraming.Length, string ChunkSize = "", bool WireOnly = false)
{
    /// <summary>The request as HTTP/1.1 bytes, the connection closed after it.</summary>
    public byte[] ToWire(string host)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{Method} {Target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        foreach (var (name, value) in Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        byte[] body;
        switch (Framing)
        {
            case BodyFraming.Chunked:
                head.Append("Transfer-Encoding: chunked\r\n");
                body = Chunk(Body);
                break;
            case BodyFraming.ChunkedLying:
                head.Append("Transfer-Encoding: chunked\r\n");
                body = [.. Encoding.ASCII.GetBytes(ChunkSize + "\r\n"), .. Body];
                break;
            case BodyFraming.LengthLying:
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length + 1000}\r\n");
                body = Body;
                break;
            case BodyFraming.Both:
                head.Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length}\r\nTransfer-Encoding: chunked\r\n");
                body = Chunk(Body);
                break;
            default:
                if (Body.Length > 0 || Method is "POST" or "PUT" or "PATCH")
                {
                    head.Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length}\r\n");
                }

                body = Body;
                break;
        }

        head.Append("\r\n");
        return [.. Encoding.UTF8.GetBytes(head.ToString()), .. body];
    }

    private static byte[] Chunk(byte[] body) =>
        body.Length == 0
            ? Encoding.ASCII.GetBytes("0\r\n\r\n")
            : [.. Encoding.ASCII.GetBytes(body.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), .. body, .. Encoding.ASCII.GetBytes("\r\n0\r\n\r\n")];
}

/// <summary>
/// Generates malformed requests to the CRM API from a seed: odd ids (%2F, %252F, unicode, control
/// characters, dot segments, overlong), wrong methods, bad and missing headers, broken, mistyped,
/// huge-numbered, deeply nested and oversized JSON, lying and huge chunked framing. Most requests
/// start from a valid one for a registered contract and break one thing, so they reach deep into
/// the handlers rather than stopping at the first check.
/// </summary>
internal sealed class ApiFuzz(int seed, string apiKey, IReadOnlyList<string> contractIds)
{
    private static readonly string[] OddIds =
    [
        "a%2Fb", "a%252Fb", "%2F", "%252F", "%2F..%2F", "..", ".", "%2E%2E", "%2e", "%00", "C%0D%0AX-Injected:1", "C%0A", "%7F", "%09",
        "%E5%A5%91%E7%B4%84", "%F0%9F%98%80", "%ED%A0%80", "%FF%FE", "%C0%AF", "%", "%Z", "%%", "%25", "%2525", "C-1%20", "C-1;x=1",
        "%3F", "%23", "%5C", "a%5Cb", "%u002F", "-x", "_x", "x", "CON", "C-1%2F%2F", new string('A', 65), new string('A', 3000),
        "INV-F-ECL-202605", "F-ECL%2Fusage", "F-ECL%00", "F-ECL%2F..%2FF-NEC", "%EF%BC%8F", "%C2%A0",
    ];

    private static readonly string[] OddMonths = ["2026-13", "0000-01", "9999-12", "-2026-01", "2026-5", "%2F", "2026-05%00", "%EF%BC%92%EF%BC%90", "2026-00", "202605", "9999999-01", "0001-01"];

    private static readonly string[] OddNumbers =
    [
        "1e400", "-1e400", "79228162514264337593543950335", "-79228162514264337593543950335", "79228162514264337593543950336", "1e-400",
        "0.0000000000000000000000000001", "-0", "123456789012345678901234567890.123", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "2147483648", "-2147483649", "1E28", "0x10", "01", "1.", ".5", "+1", "\"NaN\"", "\"Infinity\"", "\"1e400\"", "\"79228162514264337593543950335\"",
        "\"-0.0\"", "\" 12 \"", "\"１２\"", "10000000000.0001", "744.0001", "1000000000000.5",
    ];

    private static readonly string[] OddDates =
    [
        "\"2026-02-30\"", "\"9999-12-31\"", "\"0001-01-01\"", "\"+002026-05-01\"", "\"2026-05-01T00:00:00Z\"", "\"-0001-01-01\"", "\"2026/05/01\"",
        "\"\"", "\"2099-12-31\"", "\"2100-01-01\"", "\"1999-12-31\"", "\"2026-W01\"", "20260501", "\"２０２６-０５-０１\"", "\"9999-12\"",
    ];

    private static readonly string[] OddValues =
    [
        "true", "null", "[]", "{}", "\"\"", "\"x\"", "12", "-1", "[1,2]", "{\"a\":1}", "\"\\u0000\"", "\"\\ud800\"", "\"<script>alert(1)</script>\"",
        "\"" + new string('長', 5000) + "\"", "\"a\\nb\"", "\"\\u202e\"", "\"ｅｃｌｅｃｔ-ａｗｓ\"",
    ];

    private static readonly string[] EventResources = ["cancellation-requests", "extension-requests", "plan-changes", "usage", "outages", "payments", "provider-notices"];

    private readonly Random random = new(seed);

    public IEnumerable<FuzzRequest> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next();
        }
    }

    private FuzzRequest Next() => random.Next(100) switch
    {
        < 18 => OddIdRequest(),
        < 40 => MutatedValue(),
        < 52 => BrokenJson(),
        < 62 => BadHeaders(),
        < 68 => WrongMethod(),
        < 76 => OddQuery(),
        < 80 => Oversized(),
        < 90 => BadFraming(),
        _ => OddRegistration(),
    };

    private FuzzRequest OddIdRequest()
    {
        var id = Pick(OddIds);
        if (random.Next(3) == 0)
        {
            var resource = Pick(EventResources);
            return Post("odd-id", $"/api/v1/contracts/{id}/{resource}", ValidBody(resource));
        }

        var target = random.Next(8) switch
        {
            0 => $"/api/v1/contracts/{id}",
            1 => $"/api/v1/contracts/{id}/timeline",
            2 => $"/api/v1/contracts/{id}/calendar.ics",
            3 => $"/api/v1/contracts/{id}/invoices",
            4 => $"/api/v1/contracts/{id}/quotes/cancellation?notice=2026-06-10&requested=2026-07-20",
            5 => $"/api/v1/invoices/INV-{id}-202605",
            6 => $"/api/v1/invoices/{id}",
            _ => $"/api/v1/billing-runs/{Pick(OddMonths)}",
        };
        return Get("odd-id", target);
    }

    private FuzzRequest MutatedValue()
    {
        var resource = Pick(EventResources);
        var json = ValidBody(resource);
        // Replace one value (a number, a date, a string, a boolean) with something worse.
        var values = System.Text.RegularExpressions.Regex.Matches(json, "(?<=:)(\"[^\"]*\"|-?[0-9.]+|true|false)");
        var victim = values[random.Next(values.Count)];
        var replacement = random.Next(3) switch
        {
            0 => Pick(OddNumbers),
            1 => Pick(OddDates),
            _ => Pick(OddValues),
        };
        var mutated = json[..victim.Index] + replacement + json[(victim.Index + victim.Length)..];
        return Post("value", $"/api/v1/contracts/{Pick(contractIds)}/{resource}", mutated);
    }

    private FuzzRequest BrokenJson()
    {
        var resource = Pick(EventResources);
        var json = ValidBody(resource);
        byte[] body = random.Next(16) switch
        {
            0 => Encoding.UTF8.GetBytes(json[..random.Next(json.Length)]),
            1 => Encoding.UTF8.GetBytes(json.Insert(random.Next(json.Length), Pick(["{", "}", "[", "\"", ",", ":", "\\", "\u0000", "//", "/*"]))),
            2 => Encoding.UTF8.GetBytes(json.Replace("{", "{\"month\":\"2026-05\",", StringComparison.Ordinal)),
            3 => Encoding.UTF8.GetBytes(json.Replace("}", ",\"unknownMember\":1}", StringComparison.Ordinal)),
            4 => Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)),
            5 => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)),
            6 => [],
            7 => Encoding.UTF8.GetBytes(Pick(["null", "[]", "1", "\"x\"", "true", " ", "\r\n", "{}", "[{}]"])),
            8 => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(json)],
            9 => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)],
            10 => [.. Encoding.UTF8.GetBytes(json[..(json.Length / 2)]), 0xC3, 0x28, 0xA0, 0xA1, .. Encoding.UTF8.GetBytes(json[(json.Length / 2)..])],
            11 => Encoding.UTF8.GetBytes(json + "garbage"),
            12 => Encoding.UTF8.GetBytes(json.Replace("\"", "'", StringComparison.Ordinal)),
            13 => Encoding.UTF8.GetBytes(json.Replace("}", ",}", StringComparison.Ordinal)),
            14 => Bytes(random.Next(1, 300)),
            _ => Encoding.UTF8.GetBytes(json + json),
        };
        return Post("json", $"/api/v1/contracts/{Pick(contractIds)}/{resource}", body);
    }

    private FuzzRequest BadHeaders()
    {
        var resource = Pick(EventResources);
        var json = ValidBody(resource);
        var headers = new List<(string, string)>
        {
            ("X-Api-Key", apiKey), ("Content-Type", "application/json"), ("Idempotency-Key", Key()),
        };
        var index = random.Next(3);
        var replacement = index switch
        {
            0 => Pick(["", "wrong", new string('k', 9000), apiKey + ", " + apiKey, apiKey + "\u00e9", " " + apiKey[..10], apiKey.ToUpperInvariant()]),
            1 => Pick(["", "text/plain", "application/json; charset=latin1", "application/json;;", "application/json; charset=\"utf-8\"", "*/*", "application/jsonx",
                "application/problem+json", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "\u00e9"]),
            _ => Pick(["", new string('i', 256), "has space", "\u00e9t\u00e9", "a\tb", "key,with,commas", "\"quoted\""]),
        };
        if (replacement.Length == 0 && random.Next(2) == 0)
        {
            headers.RemoveAt(index);
        }
        else
        {
            headers[index] = (headers[index].Item1, replacement);
        }

        headers.Add(random.Next(6) switch
        {
            0 => ("If-Match", Pick(["\"abc\"", "W/\"1\"", "\"99999999999999999999\"", "*", "\"-1\"", "garbage", "\"1\", \"2\"", "\"\""])),
            1 => ("If-None-Match", Pick(["garbage", "*", "\"" + new string('9', 500) + "\""])),
            2 => ("Accept", Pick(["text/html", "*/*", "application/xml", "text/html;q=0, application/json"])),
            3 => ("Origin", Pick(["https://evil.example", "null", "file://"])),
            4 => ("X-Forwarded-Host", "evil.example"),
            _ => ("Idempotency-Key", Key()),
        });
        return new FuzzRequest("headers", "POST", $"/api/v1/contracts/{Pick(contractIds)}/{resource}", headers, Encoding.UTF8.GetBytes(json));
    }

    private FuzzRequest WrongMethod()
    {
        var method = Pick(["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD", "FOO", "get", "CONNECT-ISH"]);
        var target = Pick(["/api/v1/contracts", $"/api/v1/contracts/{Pick(contractIds)}", $"/api/v1/contracts/{Pick(contractIds)}/usage", "/api/v1/billing-runs", "/openapi/v1.json", "/", "/api", "/api/v1", "/api/v1/"]);
        return new FuzzRequest("method", method, target, Auth(withBody: false), []);
    }

    private FuzzRequest OddQuery()
    {
        var target = random.Next(5) switch
        {
            0 => "/api/v1/contracts?" + Pick(["limit=0", "limit=-1", "limit=1001", "limit=99999999999999999999", "limit=1e3", "deadlineWithin=3661", "deadlineWithin=-1",
                "state=sleeping", "product=aws", "product=%00", "after=%2F", "limit=1&limit=2", "colour=red", "limit=", "=", "&&&", "a=%ZZ", "product=eclect-aws%0A"]),
            1 => $"/api/v1/contracts/{Pick(contractIds)}/quotes/cancellation?" + Pick(["notice=2026-06-10", "notice=9999-12-31&requested=9999-12-31", "notice=0001-01-01&requested=0001-01-20",
                "notice=2026-02-30&requested=2026-07-20", "notice=2026-06-10&requested=2099-12-20", "notice=2026-06-10&requested=2100-01-20", "notice=&requested=",
                "notice=2026-06-10&requested=2026-07-20&notice=2026-06-11", "notice=2026-06-10&requested=2026-07-20&token=x"]),
            2 => $"/api/v1/contracts/{Pick(contractIds)}/calendar.ics?" + Pick(["token=", "token=AAAA", "token=" + new string('A', 5000), "lang=xx", "lang=ja&lang=en", "token=%00"]),
            3 => "/api/v1/invoices/INV-F-ECL-202605?" + Pick(["format=pdf", "format=html", "format=", "format=json&format=html"]),
            _ => $"/api/v1/contracts/{Pick(contractIds)}/timeline?" + Pick(["lang=xx", "lang=", "x=1"]),
        };
        var headers = target.Contains("token=", StringComparison.Ordinal) ? [] : Auth(withBody: false);
        return new FuzzRequest("query", "GET", target, headers, []);
    }

    private FuzzRequest Oversized()
    {
        var size = Pick([64 * 1024, (64 * 1024) + 1, (64 * 1024) + 1100, 200_000]);
        var filler = new string('9', Math.Max(0, size - 40));
        var body = Encoding.UTF8.GetBytes($$"""{"month":"2026-05","awsUsageUsd":"{{filler}}"}""");
        return Post("oversized", $"/api/v1/contracts/{Pick(contractIds)}/usage", body);
    }

    private FuzzRequest BadFraming()
    {
        var resource = Pick(EventResources);
        var json = Encoding.UTF8.GetBytes(ValidBody(resource));
        var target = $"/api/v1/contracts/{Pick(contractIds)}/{resource}";
        return random.Next(5) switch
        {
            0 or 1 => new FuzzRequest("chunked", "POST", target, Auth(withBody: true), json, BodyFraming.ChunkedLying,
                Pick(["80000000", "80000001", "FFFFFFFF", "100000000", "FFFFFFFFFFFFFFFFFFFF", "7FFFFFFFFFFFFFFF", "-1", "0x10", "zz", "10;ext=\"x\"", " 10", "1\r\n"]), WireOnly: true),
            2 => new FuzzRequest("chunked", "POST", target, Auth(withBody: true), json, BodyFraming.Chunked),
            3 => new FuzzRequest("framing", "POST", target, Auth(withBody: true), json, BodyFraming.LengthLying, WireOnly: true),
            _ => new FuzzRequest("framing", "POST", target, Auth(withBody: true), json, BodyFraming.Both, WireOnly: true),
        };
    }

    private FuzzRequest OddRegistration()
    {
        var products = new[] { "eclect-aws", "nec-express5800", "ntt-east-aws-ops", "optage-neutrix", "optage-storage" };
        var id = "Z-" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture);
        var member = random.Next(10) switch
        {
            0 => $"\"baseFee\":{Pick(OddNumbers)},\"unitPrice\":180,\"endDate\":\"2031-03-31\"",
            1 => $"\"baseFee\":120000,\"unitPrice\":{Pick(OddNumbers)},\"endDate\":\"2031-03-31\"",
            2 => $"\"plan\":\"standard\",\"components\":{Pick(OddNumbers)}",
            3 => $"\"plan\":\"premium\",\"components\":2,\"metricRelaxationComponents\":{Pick(OddNumbers)}",
            4 => $"\"plan\":\"standard\",\"components\":2,\"setupItems\":[{{\"item\":\"{Pick(["basic-setup", "x", ""])}\",\"quantity\":{Pick(OddNumbers)}}}]",
            5 => $"\"plan\":\"standard\",\"components\":2,\"dueMonthsAfter\":{Pick(OddNumbers)}",
            6 => $"\"endDate\":{Pick(OddDates)}",
            7 => $"\"removalDate\":{Pick(OddDates)},\"endDate\":\"2031-03-31\"",
            8 => $"\"issuer\":{{\"name\":{Pick(OddValues)},\"registrationNumber\":\"T{new string('9', random.Next(10, 16))}\"}}",
            _ => $"\"plan\":{Pick(OddValues)},\"components\":1",
        };
        var start = random.Next(3) == 0 ? Pick(OddDates) : "\"2026-04-01\"";
        var json = $$"""{"contractId":"{{id}}","product":"{{Pick(products)}}","startDate":{{start}},"customer":{"name":"株式会社ファズ","email":"fuzz@example.jp"},{{member}}}""";
        return Post("registration", "/api/v1/contracts", json);
    }

    /// <summary>A valid body for an event resource.</summary>
    private static string ValidBody(string resource) => resource switch
        {
            "cancellation-requests" => """{"noticeDate":"2026-06-10","requestedDate":"2026-07-20"}""",
            "extension-requests" => """{"requestDate":"2026-06-01","newEnd":"2032-03-31"}""",
            "plan-changes" => """{"effectiveFrom":"2026-07-01","plan":"advanced","components":3,"windows":false}""",
            "usage" => """{"month":"2026-05","awsUsageUsd":"1000.50","fxRate":150,"quantity":10,"resourceFee":1000}""",
            "outages" => """{"month":"2026-05","hours":30,"grossNegligence":false,"knownOn":"2026-05-02","appliedOn":"2026-05-20"}""",
            "payments" => """{"invoiceNumber":"INV-F-ECL-202605","paidOn":"2026-06-01","amount":1000}""",
            _ => """{"rule":"provider-termination","noticeDate":"2026-06-01"}""",
        };

    private FuzzRequest Get(string kind, string target) => new(kind, "GET", target, Auth(withBody: false), []);

    private FuzzRequest Post(string kind, string target, string json) => Post(kind, target, Encoding.UTF8.GetBytes(json));

    private FuzzRequest Post(string kind, string target, byte[] body) => new(kind, "POST", target, Auth(withBody: true), body);

    private List<(string, string)> Auth(bool withBody) =>
        withBody
            ? [("X-Api-Key", apiKey), ("Content-Type", "application/json"), ("Idempotency-Key", Key())]
            : [("X-Api-Key", apiKey)];

    private string Key() => "fuzz-" + random.NextInt64().ToString("x", CultureInfo.InvariantCulture);

    private byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}

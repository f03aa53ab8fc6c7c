using System.Text;
using System.Text.RegularExpressions;
using CloudLifecycle.Adapters.Email;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using MimeKit;
using NodaTime;

namespace CloudLifecycle.Host.Tests.Documents;

/// <summary>
/// Issue 15 point 7: subjects name the service, not the product code, and every encoded word of the raw headers stays
/// within RFC 2047 §2's 75 characters (「An 'encoded-word' may not be more than 75 characters long」), the header lines
/// within RFC 5322's 78, and the headers decode back to what was written.
/// </summary>
public partial class MailHeaderTests
{
    private static readonly Issuer Issuer = new("クラウド販売株式会社（東日本ソリューション事業本部）", "T1234567890123");

    [Fact]
    public void Subjects_NameTheService_NotTheProductCode()
    {
        foreach (var product in ProductCode.All)
        {
            var state = new ContractState
            {
                ContractId = "C-1", Product = product, Customer = new Customer("顧客株式会社", "c@example.jp", Language.En),
                Dates = new ContractDates(new LocalDate(2026, 4, 1), new LocalDate(2031, 3, 31)), Issuer = Issuer,
            };
            var notice = NoticeComposer.Registered(state, [], new LocalDate(2026, 4, 1));

            Assert.Contains(product.ServiceName.Ja, notice.Subject.Ja, StringComparison.Ordinal);
            Assert.Contains(product.ServiceName.En, notice.Subject.En, StringComparison.Ordinal);
            Assert.DoesNotContain(product.Code, notice.Subject.Ja + notice.Subject.En, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EncodedWords_StayWithin75Characters_AndDecodeBack()
    {
        var subject = "[Cloud Deployment and Operations Service] Corrected invoice INV-DEMO-NTT-202612-M1 (replaces INV-DEMO-NTT-202611) / 【クラウド導入・運用サービス】請求書の訂正（INV-DEMO-NTT-202611に代わるINV-DEMO-NTT-202612-M1）";
        var message = new EmailMessage("0123456789abcdef@a1b2.example.jp", "keiri@example.jp", "顧客株式会社 経理部 御中（請求書ご担当者様）", subject, "<p>本文</p>", "本文")
        {
            FromName = Issuer.Name,
            SentAt = Instant.FromUtc(2026, 12, 10, 0, 0),
        };
        using var raw = new MemoryStream();
        MimeNotices.Build(message, new MailboxAddress("CloudLifecycle", "notices@example.jp")).WriteTo(MimeNotices.Wire, raw);
        var text = Encoding.ASCII.GetString(raw.ToArray());
        var headers = text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)];

        var words = EncodedWord().Matches(headers).Select(m => m.Value).ToList();
        Assert.NotEmpty(words);
        Assert.All(words, w => Assert.True(w.Length <= 75, $"{w.Length} characters: {w}"));
        Assert.All(headers.Split("\r\n"), line => Assert.True(line.Length <= 78, $"{line.Length} characters: {line}"));
        raw.Position = 0;
        var parsed = MimeMessage.Load(raw);
        Assert.Equal(subject, parsed.Subject);
        Assert.Equal(Issuer.Name, parsed.From.Mailboxes.Single().Name);
        Assert.Equal("顧客株式会社 経理部 御中（請求書ご担当者様）", parsed.To.Mailboxes.Single().Name);
    }

    [GeneratedRegex(@"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=")]
    private static partial Regex EncodedWord();
}

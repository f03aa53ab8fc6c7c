using CloudLifecycle.Adapters.Templates;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using NodaTime;

namespace CloudLifecycle.Integration.Tests;

public class NoticeRendererTests
{
    private static Notice Notice(Language language) => new(
        "C-1/reminder/ExtensionDeadline/2027-02-28/30d", "C-1", NoticeKind.DeadlineReminder, new LocalDate(2027, 1, 29),
        new Customer("<Example> & Co.", "c@example.com", language),
        new Text("【nec-express5800】期限のお知らせ", "[nec-express5800] Upcoming deadline"),
        [new Text("延長の申出期限です。", "The extension request deadline.")],
        [new NoticeFact(new Text("延長申出の期限", "extension request deadline"), "2027-02-28", "§2-3")],
        "§2-3");

    [Fact]
    public void Render_JapaneseCustomer_JapaneseOnlyWithTheClauseBesideTheDate()
    {
        var message = new FluidNoticeRenderer().Render(Notice(Language.Ja), "id@test");

        Assert.Equal("【nec-express5800】期限のお知らせ", message.Subject);
        Assert.Contains("<td class=\"value\">2027-02-28</td><td class=\"clause\">§2-3</td>", message.Html, StringComparison.Ordinal);
        Assert.Contains("- 延長申出の期限: 2027-02-28 (§2-3)", message.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("extension request deadline", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EnglishCustomer_EnglishFirstThenTheJapaneseOriginal_AndNamesAreEscaped()
    {
        var message = new FluidNoticeRenderer().Render(Notice(Language.En), "id@test");

        Assert.Equal("[nec-express5800] Upcoming deadline / 【nec-express5800】期限のお知らせ", message.Subject);
        Assert.True(message.Html.IndexOf("extension request deadline", StringComparison.Ordinal) < message.Html.IndexOf("延長申出の期限", StringComparison.Ordinal));
        Assert.Contains("Dear &lt;Example&gt; &amp; Co.,", message.Html, StringComparison.Ordinal);
        Assert.Contains("Dear <Example> & Co.,", message.Text, StringComparison.Ordinal);
    }

    /// <summary>Issue 15 point 7: the page's language is set (it was <c>lang=""</c> in every email).</summary>
    [Theory]
    [InlineData(Language.Ja, "ja")]
    [InlineData(Language.En, "en")]
    public void Render_SetsTheHtmlLanguage_ToTheFirstSectionsLanguage(Language language, string lang)
    {
        var message = new FluidNoticeRenderer().Render(Notice(language), "id@test");

        Assert.Contains($"<html lang=\"{lang}\">", message.Html, StringComparison.Ordinal);
    }

    /// <summary>Issue 15 point 7: the mail ends with the issuer (name and registration number), not the notice's internal ids.</summary>
    [Fact]
    public void Render_EndsWithTheIssuer_NotInternalIds_AndNamesItAsSender()
    {
        var notice = Notice(Language.Ja) with { From = new Core.Billing.Issuer("クラウド販売株式会社", "T1234567890123") };

        var message = new FluidNoticeRenderer().Render(notice, "id@test");

        Assert.Equal("クラウド販売株式会社", message.FromName);
        Assert.EndsWith("クラウド販売株式会社（登録番号 T1234567890123）", message.Text.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("<footer>クラウド販売株式会社（登録番号 T1234567890123）</footer>", message.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(notice.Id, message.Text, StringComparison.Ordinal);
    }
}

using System.Text.Encodings.Web;
using System.Text.Unicode;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Contracts;
using CloudLifecycle.Core.Lifecycle;
using Fluid;

namespace CloudLifecycle.Adapters.Templates;

/// <summary>
/// Lays a notice out as HTML and plain text with the Liquid templates in <c>Templates/</c> (Fluid).
/// Japanese always comes first, as the contracts are Japanese; a customer who prefers English gets
/// the English text first and the Japanese original after it.
/// </summary>
public sealed class FluidNoticeRenderer : INoticeRenderer
{
    private static readonly FluidParser Parser = new();
    private readonly IFluidTemplate html = Load("notice.html.liquid");
    private readonly IFluidTemplate text = Load("notice.txt.liquid");
    private readonly TemplateOptions options = CreateOptions();

    // Escapes markup only: Japanese stays readable text, not numeric character references.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public EmailMessage Render(Notice notice, string messageId)
    {
        var model = NoticeView.From(notice);
        var subject = notice.To.Language == Language.En ? $"{notice.Subject.En} / {notice.Subject.Ja}" : notice.Subject.Ja;
        // primary: the first section's language is the page's (<html lang>); the translation section carries its own.
        // The mail ends with who sends it (the issuer and its registration number), not internal ids; a notice stored before
        // it carried its issuer names the contract.
        var sender = notice.From is { } issuer ? $"{issuer.Name}（登録番号 {issuer.RegistrationNumber}）" : notice.ContractId;
        var context = new TemplateContext(new { subject, primary = model.Sections[0], sections = model.Sections, sender }, options);
        return new EmailMessage(
            messageId,
            notice.To.Email,
            notice.To.Name,
            subject,
            html.Render(context, Html),
            text.Render(context, NullEncoder.Default))
        {
            FromName = notice.From?.Name,
        };
    }

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions { MemberAccessStrategy = new UnsafeMemberAccessStrategy() };
        options.MemberAccessStrategy.MemberNameStrategy = MemberNameStrategies.CamelCase;
        return options;
    }

    private static IFluidTemplate Load(string name)
    {
        using var stream = typeof(FluidNoticeRenderer).Assembly.GetManifestResourceStream($"Templates.{name}")
            ?? throw new InvalidOperationException($"template {name} is not embedded");
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        return Parser.TryParse(source, out var template, out var error)
            ? template
            : throw new InvalidOperationException($"template {name}: {error}");
    }

    private sealed record FactView(string Label, string Value, string Clause);

    private sealed record SectionView(string Lang, string Greeting, IReadOnlyList<string> Paragraphs, IReadOnlyList<FactView> Facts, string ItemHeading, string ValueHeading, string ClauseHeading);

    private sealed record NoticeView(IReadOnlyList<SectionView> Sections)
    {
        public static NoticeView From(Notice notice)
        {
            var languages = notice.To.Language == Language.En ? new[] { Language.En, Language.Ja } : [Language.Ja];
            return new NoticeView(languages.Select(language => new SectionView(
                language == Language.En ? "en" : "ja",
                language == Language.En ? $"Dear {notice.To.Name}," : $"{notice.To.Name} 様",
                notice.Paragraphs.Select(p => p.In(language)).ToList(),
                notice.Facts.Select(f => new FactView(f.Label.In(language), f.Value, f.Clause)).ToList(),
                language == Language.En ? "Item" : "項目",
                language == Language.En ? "Date / amount" : "日付・金額",
                language == Language.En ? "Clause" : "根拠条項")).ToList());
        }
    }
}

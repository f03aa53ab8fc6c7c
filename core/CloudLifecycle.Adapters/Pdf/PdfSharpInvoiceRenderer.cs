using System.Security.Cryptography;
using System.Text;
using CloudLifecycle.Core.Application;
using CloudLifecycle.Core.Billing;
using CloudLifecycle.Core.Billing.Rendering;
using CloudLifecycle.Core.Contracts;
using NodaTime;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace CloudLifecycle.Adapters.Pdf;

/// <summary>
/// The invoice PDF with PDFsharp (MIT, in-process: it runs inside Azure Functions, no browser): A4 portrait, the page
/// content of <see cref="InvoicePage"/> (the HTML page's), IPAexGothic embedded as a subset with a ToUnicode map so
/// the text can be selected, searched and extracted (pdftotext). Long items and clauses wrap inside their column; a
/// table longer than a page continues on the next with its header repeated. The same document gives the same bytes:
/// the dates in the document information are the issue date and the file identifier is derived from the number.
/// </summary>
public sealed partial class PdfSharpInvoiceRenderer : IInvoicePdfRenderer
{
    private const double Margin = 50;
    private const double RowPadding = 3;

    /// <summary>Item, quantity, unit price, amount, clause: 495 pt, the A4 width less the margins.</summary>
    private static readonly double[] ColumnWidths = [195, 35, 65, 125, 75];

    // Field initialisers run in order: the resolver is registered before the first XFont asks for a typeface.
    private static readonly bool FontsRegistered = EmbeddedFontResolver.Register();
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
    private static readonly XFont Title = new(EmbeddedFontResolver.Family, 16, XFontStyleEx.Bold, Unicode);
    private static readonly XFont Body = new(EmbeddedFontResolver.Family, 10, XFontStyleEx.Regular, Unicode);
    private static readonly XFont Strong = new(EmbeddedFontResolver.Family, 13, XFontStyleEx.Bold, Unicode);
    private static readonly XFont Table = new(EmbeddedFontResolver.Family, 8.5, XFontStyleEx.Regular, Unicode);
    private static readonly XFont TableBold = new(EmbeddedFontResolver.Family, 8.5, XFontStyleEx.Bold, Unicode);
    private static readonly XFont Small = new(EmbeddedFontResolver.Family, 8, XFontStyleEx.Regular, Unicode);

    public byte[] Render(Invoice invoice, Language language)
    {
        var page = InvoicePage.Of(invoice, language);
        System.Diagnostics.Debug.Assert(FontsRegistered, "the font resolver is registered");
        using var document = new PdfDocument();
        Describe(document, invoice, page);
        var writer = new PageWriter(document);
        writer.Text(page.Title, Title, 26);
        writer.Rule(1.5);
        writer.Gap(8);
        foreach (var (label, value) in page.Head)
        {
            writer.Pair(label, value);
        }

        writer.Gap(10);
        writer.Text(page.TotalLine, Strong, 22);
        writer.Gap(6);
        writer.TableRow(page.Columns, TableBold, shaded: true);
        foreach (var row in page.Lines)
        {
            writer.TableRow(row, Table, shaded: false, repeat: page.Columns);
        }

        foreach (var row in page.Totals)
        {
            writer.TotalRow(row, row == page.Totals[^1] ? TableBold : Table, page.Columns);
        }

        if (page.Note is { } note)
        {
            writer.Gap(8);
            writer.Wrapped(note, Small);
        }

        writer.Finish();
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return Stable(stream.ToArray(), invoice.Number);
    }

    /// <summary>
    /// PDFsharp draws two things at random on every save: the font subset's tag (<c>ABCDEF+IPAexGothic</c>, three times,
    /// in plain dictionaries) and the XMP metadata's document and instance uuids (plain XML). Each is replaced by one of
    /// the same length derived from the document number, so nothing moves and the cross-reference table stays right:
    /// the same document rendered twice (a resend, a second demo run) is the same file.
    /// </summary>
    private static byte[] Stable(byte[] pdf, string number)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(number));
        var tag = string.Concat(hash.Take(6).Select(b => (char)('A' + (b % 26))));
        text = SubsetTag().Replace(text, $"/{tag}+{EmbeddedFontResolver.Family}");
        var uuids = 0;
        text = XmpUuid().Replace(text, _ =>
        {
            var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{number}/xmp/{uuids++}"))[..16];
            return $"uuid:{new Guid(bytes):D}";
        });
        return Encoding.Latin1.GetBytes(text);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"/[A-Z]{6}\+IPAexGothic", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex SubsetTag();

    [System.Text.RegularExpressions.GeneratedRegex("uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex XmpUuid();

    /// <summary>Title, author, subject, and fixed dates and identifiers, so the file is the same whenever it is rendered.</summary>
    private static void Describe(PdfDocument document, Invoice invoice, InvoicePage page)
    {
        document.Info.Title = $"{page.Title} {invoice.Number}";
        document.Info.Author = invoice.Issuer.Name;
        document.Info.Subject = invoice.Number;
        document.Info.Creator = "CloudLifecycle";
        var issued = invoice.IssueDate.AtMidnight().InZoneLeniently(DateTimeZoneProviders.Tzdb["Asia/Tokyo"]).ToDateTimeOffset().UtcDateTime;
        document.Info.CreationDate = issued;
        document.Info.ModificationDate = issued;
        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{invoice.Number}/{invoice.IssueDate:uuuu-MM-dd}/{invoice.Total}")))[..32];
        document.Internals.FirstDocumentID = id;
        document.Internals.SecondDocumentID = id;
    }

    /// <summary>Writes down the page from the top, starting a new A4 page when the next block does not fit.</summary>
    private sealed class PageWriter(PdfDocument document)
    {
        private XGraphics? graphics;
        private double y;

        private static double Width => XUnit.FromPoint(595.276).Point - (2 * Margin);

        private XGraphics G => graphics ?? NewPage();

        public void Text(string text, XFont font, double height)
        {
            Ensure(height);
            G.DrawString(text, font, XBrushes.Black, new XRect(Margin, y, Width, height), XStringFormats.TopLeft);
            y += height;
        }

        public void Wrapped(string text, XFont font)
        {
            foreach (var line in Wrap(G, text, font, Width))
            {
                Text(line, font, font.Size + 4);
            }
        }

        public void Rule(double thickness)
        {
            G.DrawLine(new XPen(XColors.Black, thickness), Margin, y, Margin + Width, y);
            y += thickness;
        }

        public void Gap(double height) => y += height;

        public void Pair(string label, string value)
        {
            const double labelWidth = 110;
            var lines = Wrap(G, value, Body, Width - labelWidth);
            var height = (lines.Count * (Body.Size + 4)) + 2;
            Ensure(height);
            G.DrawString(label, Body, XBrushes.DimGray, new XRect(Margin, y, labelWidth, Body.Size + 4), XStringFormats.TopLeft);
            for (var i = 0; i < lines.Count; i++)
            {
                G.DrawString(lines[i], Body, XBrushes.Black, new XRect(Margin + labelWidth, y + (i * (Body.Size + 4)), Width - labelWidth, Body.Size + 4), XStringFormats.TopLeft);
            }

            y += height;
        }

        public void TableRow(InvoicePageRow row, XFont font, bool shaded, InvoicePageRow? repeat = null)
        {
            string[] cells = [row.Item, row.Quantity, row.UnitPrice, row.Amount, row.Clause];
            var wrapped = cells.Select((cell, i) => Wrap(G, cell, font, ColumnWidths[i] - (2 * RowPadding))).ToList();
            var height = (wrapped.Max(w => w.Count) * (font.Size + 3)) + (2 * RowPadding);
            if (NeedsNewPage(height) && repeat is not null)
            {
                NewPage();
                TableRow(repeat, TableBold, shaded: true);
            }

            Ensure(height);
            var x = Margin;
            for (var i = 0; i < cells.Length; i++)
            {
                var cell = new XRect(x, y, ColumnWidths[i], height);
                if (shaded)
                {
                    G.DrawRectangle(new XSolidBrush(XColor.FromArgb(235, 235, 235)), cell);
                }

                G.DrawRectangle(new XPen(XColors.Gray, 0.5), cell);
                DrawLines(wrapped[i], font, x, ColumnWidths[i], alignRight: !shaded && i is 1 or 2 or 3);
                x += ColumnWidths[i];
            }

            y += height;
        }

        /// <summary>A subtotal, tax or total row: the label across item, quantity and unit price, as the HTML page's colspan.</summary>
        public void TotalRow(InvoicePageRow row, XFont font, InvoicePageRow repeat)
        {
            var labelWidth = ColumnWidths[0] + ColumnWidths[1] + ColumnWidths[2];
            var label = Wrap(G, row.Item, font, labelWidth - (2 * RowPadding));
            var amount = Wrap(G, row.Amount, font, ColumnWidths[3] - (2 * RowPadding));
            var clause = Wrap(G, row.Clause, font, ColumnWidths[4] - (2 * RowPadding));
            var height = (new[] { label.Count, amount.Count, clause.Count }.Max() * (font.Size + 3)) + (2 * RowPadding);
            if (NeedsNewPage(height))
            {
                NewPage();
                TableRow(repeat, TableBold, shaded: true);
            }

            var pen = new XPen(XColors.Gray, 0.5);
            G.DrawRectangle(new XSolidBrush(XColor.FromArgb(245, 245, 245)), new XRect(Margin, y, labelWidth, height));
            G.DrawRectangle(pen, new XRect(Margin, y, labelWidth, height));
            G.DrawRectangle(pen, new XRect(Margin + labelWidth, y, ColumnWidths[3], height));
            G.DrawRectangle(pen, new XRect(Margin + labelWidth + ColumnWidths[3], y, ColumnWidths[4], height));
            DrawLines(label, font, Margin, labelWidth, alignRight: false);
            DrawLines(amount, font, Margin + labelWidth, ColumnWidths[3], alignRight: true);
            DrawLines(clause, font, Margin + labelWidth + ColumnWidths[3], ColumnWidths[4], alignRight: false);
            y += height;
        }

        public void Finish() => graphics?.Dispose();

        private void DrawLines(IReadOnlyList<string> lines, XFont font, double x, double width, bool alignRight)
        {
            for (var i = 0; i < lines.Count; i++)
            {
                var box = new XRect(x + RowPadding, y + RowPadding + (i * (font.Size + 3)), width - (2 * RowPadding), font.Size + 3);
                G.DrawString(lines[i], font, XBrushes.Black, box, alignRight ? XStringFormats.TopRight : XStringFormats.TopLeft);
            }
        }

        private bool NeedsNewPage(double height) => graphics is not null && y + height > XUnit.FromPoint(841.89).Point - Margin;

        private void Ensure(double height)
        {
            if (NeedsNewPage(height))
            {
                NewPage();
            }
        }

        private XGraphics NewPage()
        {
            graphics?.Dispose();
            var page = document.AddPage();
            page.Size = PageSize.A4;
            page.Orientation = PageOrientation.Portrait;
            graphics = XGraphics.FromPdfPage(page);
            y = Margin;
            return graphics;
        }
    }

    /// <summary>
    /// Breaks <paramref name="text"/> into lines no wider than <paramref name="width"/>: at a space where a Latin word
    /// would otherwise be cut, anywhere between Japanese characters (which carry no spaces).
    /// </summary>
    internal static IReadOnlyList<string> Wrap(XGraphics graphics, string text, XFont font, double width)
    {
        var lines = new List<string>();
        var rest = text;
        while (rest.Length > 0)
        {
            if (graphics.MeasureString(rest, font).Width <= width)
            {
                lines.Add(rest);
                break;
            }

            var fit = 1;
            while (fit < rest.Length && graphics.MeasureString(rest[..(fit + 1)], font).Width <= width)
            {
                fit++;
            }

            var space = rest.LastIndexOf(' ', fit - 1, fit);
            var cut = space > 0 && IsLatin(rest[fit]) && IsLatin(rest[fit - 1]) ? space : fit;
            // 禁則: a closing bracket or punctuation never starts a line; the character before it goes down with it.
            while (cut > 1 && NoLineStart.Contains(rest[cut]))
            {
                cut--;
            }

            lines.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
        }

        return lines.Count == 0 ? [string.Empty] : lines;
    }

    private static bool IsLatin(char c) => c < 0x2E80;

    private const string NoLineStart = "）」』】〕〉》、。，．・：；？！ー)]},.:;";
}

/// <summary>
/// PDFsharp's fonts on every platform (Linux and Azure Functions have no Windows fonts): IPAexGothic from this
/// assembly for every family asked for, bold simulated (IPAexGothic has one weight). Registered once for the process,
/// as PDFsharp requires (<see cref="GlobalFontSettings.FontResolver"/> must not change after the first font operation).
/// </summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    public const string Family = "IPAexGothic";

    private static readonly EmbeddedFontResolver Instance = new();
    private static readonly Lock Gate = new();
    private static readonly Lazy<byte[]> Font = new(() =>
    {
        using var stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream("Fonts.ipaexg.ttf")
            ?? throw new InvalidOperationException("the embedded font Fonts.ipaexg.ttf is missing from the adapters assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static bool Register()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not EmbeddedFontResolver)
            {
                GlobalFontSettings.FontResolver = Instance;
            }

            return true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(Family, isBold, isItalic);

    public byte[]? GetFont(string faceName) => Font.Value;
}

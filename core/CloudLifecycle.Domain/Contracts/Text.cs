namespace CloudLifecycle.Core.Contracts;

/// <summary>A short text in Japanese and English; customers choose their language.</summary>
public sealed record Text(string Ja, string En)
{
    public string In(Language language) => language == Language.En ? En : Ja;

    /// <summary>"1 month", "5 months": English counts in explanations.</summary>
    public static string Months(int count) => count == 1 ? "1 month" : $"{count} months";
}

public enum Language
{
    Ja,
    En,
}

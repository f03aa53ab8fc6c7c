namespace CloudLifecycle.Core.Contracts;

/// <summary>A short text in Japanese and English; customers choose their language.</summary>
public sealed record Text(string Ja, string En)
{
    public string In(Language language) => language == Language.En ? En : Ja;
}

public enum Language
{
    Ja,
    En,
}

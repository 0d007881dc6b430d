using System.Text.Json.Serialization;

namespace ConstantContact.Sandbox.Json;

/// <summary>One entry of a <c>_links</c> object.</summary>
public sealed class Link
{
    public required string Href { get; init; }
}

/// <summary>The <c>_links</c> object: <c>self</c> on activities, <c>next</c> on pages that have one.</summary>
public sealed class Links
{
    public Link? Self { get; init; }

    public Link? Next { get; init; }

    public static Links? NextOrNull(string? href) => href is null ? null : new Links { Next = new Link { Href = href } };
}

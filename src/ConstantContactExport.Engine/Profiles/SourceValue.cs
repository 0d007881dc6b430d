using System.Collections.Generic;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>What a profile property held, before mapping.</summary>
public enum SourceValueKind
{
    /// <summary>The profile has no such property (or CSV column).</summary>
    Missing,

    /// <summary>The property exists and is null (or DBNull).</summary>
    Null,

    /// <summary>The property is text, or a scalar converted to text.</summary>
    Text,

    /// <summary>The property is a list of scalars (meaningful only for a segment property).</summary>
    List,

    /// <summary>The property is an object that has no sensible text form: a hashtable, a nested object, a script block.</summary>
    NotText,
}

/// <summary>One property of one profile, as read from the source.</summary>
public readonly struct SourceValue
{
    private SourceValue(SourceValueKind kind, string? text, IReadOnlyList<string>? items)
    {
        Kind = kind;
        Text = text;
        Items = items;
    }

    public static SourceValue Missing => default;

    public static SourceValue Null => new(SourceValueKind.Null, null, null);

    public SourceValueKind Kind { get; }

    /// <summary>The text (Kind Text), or the type name of the value (Kind NotText).</summary>
    public string? Text { get; }

    /// <summary>The items (Kind List).</summary>
    public IReadOnlyList<string>? Items { get; }

    /// <summary>True for Missing and Null: the profile gives no value.</summary>
    public bool IsAbsent => Kind is SourceValueKind.Missing or SourceValueKind.Null;

    public static SourceValue FromText(string text) => new(SourceValueKind.Text, text, null);

    public static SourceValue FromList(IReadOnlyList<string> items) => new(SourceValueKind.List, null, items);

    /// <param name="typeName">The value's type, for the reason message (never the value itself).</param>
    public static SourceValue NotText(string typeName) => new(SourceValueKind.NotText, typeName, null);

    public override string ToString() => Kind == SourceValueKind.Text ? Text! : Kind.ToString();
}

using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// Reads <see cref="RunManifest.ListNames"/>, names that only label messages: a value that is not a list of strings (a
/// hand-edited run.json) reads as no names, and the lists are named by their ids, rather than making the run damaged.
/// </summary>
internal sealed class ShownNamesConverter : JsonConverter<List<string>?>
{
    public override bool HandleNull => true;

    public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var names = new List<string>();
        bool allText = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String && TryGetText(ref reader) is { } name)
            {
                names.Add(name);
            }
            else
            {
                allText = false;
                reader.Skip();
            }
        }

        return allText ? names : null;
    }

    /// <summary>The string, or null when its escapes are not valid UTF-16 (a lone \ud800).</summary>
    private static string? TryGetText(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, List<string>? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (string name in value)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
    }
}

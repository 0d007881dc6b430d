using System.Text;
using System.Text.Json;

namespace ConstantContact.Sandbox.Imports;

/// <summary>
/// Reads contacts_json_import bodies with <see cref="Utf8JsonReader"/>: a first pass when the request arrives
/// (structure, counts, the 4 MB cut, cf: names) and a second when the activity runs (the rows). Keeping only
/// the bytes in between costs far less memory than keeping parsed rows for every queued import.
/// </summary>
public static class JsonImportReader
{
    public static JsonImportDocument Inspect(ReadOnlySpan<byte> body)
    {
        var document = new JsonImportDocument();
        try
        {
            Walk(body, document, rows: null, rowLimit: int.MaxValue);
        }
        catch (JsonException)
        {
            document.Error = "The request body is not valid JSON.";
        }

        return document;
    }

    /// <summary>The first <paramref name="count"/> contacts as rows. The body already passed <see cref="Inspect"/>.</summary>
    public static List<ImportRow> ReadRows(ReadOnlySpan<byte> body, int count)
    {
        var rows = new List<ImportRow>(count);
        Walk(body, new JsonImportDocument(), rows, count);
        return rows;
    }

    private static void Walk(ReadOnlySpan<byte> body, JsonImportDocument document, List<ImportRow>? rows, int rowLimit)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            document.Error = "The request body must be a JSON object.";
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("import_data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    document.Error = "import_data must be an array.";
                    return;
                }

                document.HasImportData = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        document.Error = "Each item of import_data must be an object.";
                        return;
                    }

                    if (rows is not null)
                    {
                        if (rows.Count >= rowLimit)
                        {
                            return;
                        }

                        rows.Add(ReadRow(ref reader));
                    }
                    else
                    {
                        ScanContact(ref reader, document);
                        if (document.Error is not null)
                        {
                            return;
                        }
                    }

                    document.ContactCount++;

                    // A contact is imported only when its closing brace lies within the first 4 MB of the body.
                    if (reader.BytesConsumed <= ImportLimits.BodyBytes)
                    {
                        document.KeptCount++;
                    }
                }
            }
            else if (reader.ValueTextEquals("list_ids"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    document.Error = "list_ids must be an array of list ids.";
                    return;
                }

                document.ListIds = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        document.Error = "list_ids must be an array of list ids.";
                        return;
                    }

                    document.ListIds.Add(reader.GetString()!);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ScanContact(ref Utf8JsonReader reader, JsonImportDocument document)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped || reader.ValueSpan.StartsWith("cf:"u8))
            {
                var name = reader.GetString()!;
                if (ImportFieldCatalog.IsCustomFieldKey(name))
                {
                    document.CustomFieldNames.Add(name[ImportFieldCatalog.CustomFieldPrefixLength..]);
                }
            }

            else if (reader.ValueTextEquals("birthday_month"u8) || reader.ValueTextEquals("birthday_day"u8))
            {
                var key = reader.GetString()!;
                reader.Read();
                // The schema types both as integer; a schema-checking server refuses the whole request for one string.
                if (reader.TokenType != JsonTokenType.Null && (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out _)))
                {
                    document.Error ??= $"import_data[{document.ContactCount}].{key}: must be an integer, not {Describe(reader.TokenType)}.";
                    document.ErrorKey = JsonImportDocument.ValidationErrorKey;
                }

                reader.Skip();
                continue;
            }

            reader.Read();
            reader.Skip();
        }
    }

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a fraction or a number out of range",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => type.ToString(),
    };

    private static ImportRow ReadRow(ref Utf8JsonReader reader)
    {
        var row = new ImportRow();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            string? value;
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    value = reader.GetString();
                    break;
                case JsonTokenType.Number:
                    value = Encoding.UTF8.GetString(reader.ValueSpan);
                    break;
                case JsonTokenType.True:
                    value = "true";
                    break;
                case JsonTokenType.False:
                    value = "false";
                    break;
                case JsonTokenType.Null:
                    continue;
                default:
                    row.Problem ??= $"'{key}' must be a string, not an object or array.";
                    reader.Skip();
                    continue;
            }

            RowValues.Set(row, key, value);
        }

        return row;
    }
}

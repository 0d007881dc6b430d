using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Profiles;

/// <summary>
/// Reads a pipeline object as a profile: a PSCustomObject, an Import-Csv row, a hashtable or other
/// dictionary, a DataRow, a typed object from another module (Get-ADUser's ADUser). Properties are found by
/// name without regard to case; scalar values become text by PowerShell's rules (LanguagePrimitives, invariant
/// culture); null and DBNull are null; lists are lists; anything else is "not text". Reading never throws:
/// a property getter that fails makes the profile Invalid with the reason.
/// </summary>
internal sealed class ProfileObjectReader
{
    private readonly string[] sourceFields;

    public ProfileObjectReader(IReadOnlyList<string> sourceFields)
    {
        this.sourceFields = new string[sourceFields.Count];
        for (int i = 0; i < this.sourceFields.Length; i++)
        {
            this.sourceFields[i] = sourceFields[i];
        }
    }

    public void Read(object? input, ProfileRecord record)
    {
        object? target = input is PSObject wrapped ? wrapped.BaseObject : input;
        record.Original = input;

        // Import-Csv rows and [pscustomobject]s, nearly every piped profile: no scalar tests, no dictionary.
        if (target is PSCustomObject && input is PSObject row)
        {
            ReadProperties(row, record);
            return;
        }

        if (target is null || IsScalar(target))
        {
            string what = target is null ? "null" : $"a {target.GetType().Name} ('{TextChecks.Printable(Convert.ToString(target, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, 40)}')";
            record.ReadIssue = new ProfileIssue(RejectReason.NotAProfile, null,
                $"The input is {what}, not a profile: a profile is an object with properties such as an email address. To check bare addresses, use Test-CCEmailAddress.");
            return;
        }

        if (target is IDictionary dictionary)
        {
            ReadDictionary(dictionary, record);
            return;
        }

        ReadProperties(input as PSObject ?? PSObject.AsPSObject(target), record);
    }

    private void ReadProperties(PSObject psObject, ProfileRecord record)
    {
        SourceValue[] values = record.Values;
        for (int i = 0; i < sourceFields.Length; i++)
        {
            string name = sourceFields[i];
            try
            {
                PSPropertyInfo? property = psObject.Properties[name];
                values[i] = property is null ? SourceValue.Missing : ToSourceValue(property.Value);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ReadFailed(record, name, ex);
                return;
            }
        }
    }

    private void ReadDictionary(IDictionary dictionary, ProfileRecord record)
    {
        SourceValue[] values = record.Values;
        for (int i = 0; i < sourceFields.Length; i++)
        {
            string name = sourceFields[i];
            try
            {
                values[i] = FromDictionary(dictionary, name);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ReadFailed(record, name, ex);
                return;
            }
        }
    }

    /// <summary>A getter that throws (a ScriptProperty, a lazy AD attribute): this profile is Invalid, the run goes on.</summary>
    private static void ReadFailed(ProfileRecord record, string name, Exception ex) =>
        record.ReadIssue = new ProfileIssue(RejectReason.FieldNotText, name,
            $"Reading the property '{name}' failed: {(ex is GetValueInvocationException && ex.InnerException is not null ? ex.InnerException.Message : ex.Message)}");

    private static SourceValue FromDictionary(IDictionary dictionary, string name)
    {
        // Hashtables from PowerShell literals ignore case already; other dictionaries may not.
        if (dictionary.Contains(name))
        {
            return ToSourceValue(dictionary[name]);
        }

        foreach (DictionaryEntry entry in dictionary)
        {
            if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return ToSourceValue(entry.Value);
            }
        }

        return SourceValue.Missing;
    }

    /// <summary>PowerShell's view of a value as profile text.</summary>
    internal static SourceValue ToSourceValue(object? value)
    {
        // Import-Csv's values: text as it is.
        if (value is string plain)
        {
            return SourceValue.FromText(plain);
        }

        if (value is PSObject wrapped)
        {
            value = wrapped.BaseObject;
        }

        switch (value)
        {
            case null:
            case DBNull:
                return SourceValue.Null;
            case string text:
                return SourceValue.FromText(text);
        }

        if (IsScalar(value))
        {
            return SourceValue.FromText(LanguagePrimitives.ConvertTo<string>(value));
        }

        if (value is IEnumerable items and not IDictionary)
        {
            var list = new List<string>();
            foreach (object? item in items)
            {
                object? element = item is PSObject inner ? inner.BaseObject : item;
                if (element is null || element is DBNull)
                {
                    continue;
                }

                if (element is not string && !IsScalar(element))
                {
                    return SourceValue.NotText($"list holding a {TypeName(element)}");
                }

                list.Add(element as string ?? LanguagePrimitives.ConvertTo<string>(element));
            }

            return SourceValue.FromList(list);
        }

        return SourceValue.NotText(TypeName(value));
    }

    private static bool IsScalar(object value) =>
        value is string or char or bool or byte or sbyte or short or ushort or int or uint or long or ulong
            or float or double or decimal or DateTime or DateTimeOffset or Guid or TimeSpan or Enum or Uri
            or System.Numerics.BigInteger or System.Net.Mail.MailAddress;

    private static string TypeName(object value) => value switch
    {
        PSCustomObject => "nested object",
        IDictionary => "hashtable",
        ScriptBlock => "script block",
        _ => value.GetType().Name,
    };
}

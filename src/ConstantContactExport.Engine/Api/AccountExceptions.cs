using System;

namespace ConstantContactExport.Engine.Api;

/// <summary>Constant Contact says a list of that name exists (409) but no list of that name can be read to resolve it.</summary>
public sealed class ListConflictException : Exception
{
    public ListConflictException(string listName, string message)
        : base(message)
    {
        ListName = listName;
    }

    public string ListName { get; }
}

/// <summary>
/// Constant Contact refused to create a list or a custom field for a reason that trying again will not change (a bad
/// name, label or type; the 1,000-list or 100-field cap). Not an import refusal: nothing was being imported.
/// </summary>
public sealed class AccountChangeRefusedException : Exception
{
    public AccountChangeRefusedException(int statusCode, string? errorKey, string message)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorKey = errorKey;
    }

    public int StatusCode { get; }

    public string? ErrorKey { get; }
}

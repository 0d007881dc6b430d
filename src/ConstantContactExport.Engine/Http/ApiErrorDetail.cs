namespace ConstantContactExport.Engine.Http;

/// <summary>One error of an error answer: a key to branch on and a message to read.</summary>
public sealed class ApiErrorDetail
{
    public ApiErrorDetail(string? errorKey, string? errorMessage)
    {
        ErrorKey = errorKey;
        ErrorMessage = errorMessage;
    }

    public string? ErrorKey { get; }

    public string? ErrorMessage { get; }

    public override string ToString() =>
        ErrorKey is null ? ErrorMessage ?? string.Empty
        : ErrorMessage is null ? ErrorKey
        : $"{ErrorKey} ({ErrorMessage.TrimEnd('.')})";
}

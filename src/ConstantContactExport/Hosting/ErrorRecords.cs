using System;
using System.IO;
using System.Management.Automation;
using System.Net.Http;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Hosting;

/// <summary>
/// Exceptions to error records with a stable ErrorId and the category an admin filters on (a 429 is
/// LimitsExceeded, a refused token AuthenticationError). The message is the exception's, which never holds a
/// token (see ConstantContactApiException and SecretRedactor).
/// </summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(Exception exception, object? target, string fallbackErrorId)
    {
        switch (exception)
        {
            case UnsafeHomeException home:
                return new ErrorRecord(home, home.ErrorId, ErrorCategory.SecurityError, home.Path);
            case ConnectionException connection:
                return new ErrorRecord(connection, connection.ErrorId, Category(connection.Kind), connection.Target ?? target);
            case ConstantContactApiException api:
                (string id, ErrorCategory category) = Classify(api);
                return new ErrorRecord(api, id, category, target);
            case ExportSetupException setup:
                return new ErrorRecord(setup, setup.ErrorId, Category(setup.Problem), setup.Target ?? target);
            case ApiUnavailableException:
                return new ErrorRecord(exception, "ApiUnreachable", ErrorCategory.ConnectionError, target);
            case ApiAnswerException answer:
                return new ErrorRecord(answer, answer.ErrorId, ErrorCategory.InvalidResult, target);
            case QuotaExceededException:
                return new ErrorRecord(exception, "ApiQuotaExceeded", ErrorCategory.QuotaExceeded, target);
            case ListConflictException conflict:
                return new ErrorRecord(conflict, "ListConflict", ErrorCategory.ResourceExists, conflict.ListName);
            case AccountChangeRefusedException refused:
                return new ErrorRecord(refused, "AccountChangeRefused", refused.StatusCode == 400 ? ErrorCategory.InvalidArgument : ErrorCategory.InvalidOperation, target);
            case ImportRefusedException:
                return new ErrorRecord(exception, "ApiRefused", ErrorCategory.InvalidOperation, target);
            case HttpRequestException:
                return new ErrorRecord(exception, "ApiUnreachable", ErrorCategory.ConnectionError, target);
            case OperationCanceledException:
                return new ErrorRecord(exception, "ApiTimeout", ErrorCategory.OperationTimeout, target);
            case TimeoutException:
                return new ErrorRecord(exception, "OperationTimeout", ErrorCategory.OperationTimeout, target);
            case UnauthorizedAccessException:
                return new ErrorRecord(exception, "StorageAccessDenied", ErrorCategory.PermissionDenied, target);
            case IOException:
                return new ErrorRecord(exception, "StorageError", ErrorCategory.WriteError, target);
            case ArgumentException:
                return new ErrorRecord(exception, fallbackErrorId, ErrorCategory.InvalidArgument, target);
            case PlatformNotSupportedException:
                return new ErrorRecord(exception, "PlatformNotSupported", ErrorCategory.NotImplemented, target);
            default:
                return new ErrorRecord(exception, fallbackErrorId, ErrorCategory.NotSpecified, target);
        }
    }

    private static (string ErrorId, ErrorCategory Category) Classify(ConstantContactApiException api) => api.StatusCode switch
    {
        400 when api.ErrorKey is "invalid_grant" => ("AuthorizationFailed", ErrorCategory.AuthenticationError),
        401 => ("ApiUnauthorized", ErrorCategory.AuthenticationError),
        403 => ("ApiForbidden", ErrorCategory.PermissionDenied),
        404 => ("ApiNotFound", ErrorCategory.ObjectNotFound),
        409 => ("ApiConflict", ErrorCategory.ResourceExists),
        429 when api.ErrorKey == "quota_exceeded" => ("ApiQuotaExceeded", ErrorCategory.QuotaExceeded),
        429 => ("ApiRateLimited", ErrorCategory.LimitsExceeded),
        >= 500 => ("ApiServerError", ErrorCategory.ConnectionError),
        _ => ("ApiError", ErrorCategory.InvalidOperation),
    };

    private static ErrorCategory Category(ExportSetupProblem problem) => problem switch
    {
        ExportSetupProblem.NotFound => ErrorCategory.ObjectNotFound,
        ExportSetupProblem.Conflict => ErrorCategory.ResourceExists,
        ExportSetupProblem.InvalidOperation => ErrorCategory.InvalidOperation,
        _ => ErrorCategory.InvalidArgument,
    };

    private static ErrorCategory Category(ConnectionErrorKind kind) => kind switch
    {
        ConnectionErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ConnectionErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        ConnectionErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
        ConnectionErrorKind.SecurityError => ErrorCategory.SecurityError,
        ConnectionErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        ConnectionErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ConnectionErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        ConnectionErrorKind.Timeout => ErrorCategory.OperationTimeout,
        ConnectionErrorKind.InvalidData => ErrorCategory.InvalidData,
        ConnectionErrorKind.WriteError => ErrorCategory.WriteError,
        _ => ErrorCategory.NotSpecified,
    };
}

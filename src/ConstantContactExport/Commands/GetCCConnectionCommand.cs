using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ConstantContactExport.Connections;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Hosting;

namespace ConstantContactExport.Commands;

/// <summary>The Get-CCConnection cmdlet. Its help has one source, docs/en-US/Get-CCConnection.md, built into the module's MAML help.</summary>
[Cmdlet(VerbsCommon.Get, "CCConnection", HelpUri = HelpLinks.Base + "Get-CCConnection.md")]
[OutputType(typeof(CCConnection))]
public sealed class GetCCConnectionCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.ConnectionNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        StoragePaths paths = ModuleHome.Open(this);
        var store = new ConnectionStore(paths);
        var tokens = new TokenStore(paths);
        IReadOnlyList<ConnectionInfo> all = store.List(WriteWarning);
        foreach (string pattern in Name ?? new[] { "*" })
        {
            if (SafeName.PatternProblem(pattern) is { } problem)
            {
                WriteError(new ErrorRecord(
                    SafeName.Unusable(pattern, "connection", problem), ConnectionErrorIds.InvalidConnectionName, ErrorCategory.InvalidArgument, pattern));
                continue;
            }

            var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
            List<ConnectionInfo> matches = all.Where(c => wildcard.IsMatch(c.Name)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                WriteError(new ErrorRecord(
                    new ConnectionException(ConnectionErrorIds.ConnectionNotFound, ConnectionErrorKind.NotFound,
                        $"There is no connection named '{TextChecks.Printable(pattern)}' in '{paths.Connections}'."),
                    ConnectionErrorIds.ConnectionNotFound, ErrorCategory.ObjectNotFound, pattern));
                continue;
            }

            foreach (ConnectionInfo connection in matches)
            {
                WriteObject(new CCConnection(connection, ExpiresOn(tokens, connection.Name)));
            }
        }
    }

    private DateTimeOffset? ExpiresOn(TokenStore tokens, string name)
    {
        try
        {
            return tokens.Read(name)?.ExpiresOn;
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            // Another user's connection, or a damaged token file: the connection is still worth listing.
            WriteVerbose($"The tokens of connection '{name}' cannot be read: {ex.Message}");
            return null;
        }
    }
}

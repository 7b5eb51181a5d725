//! An I/O failure as the secretariat reads it in the communication log: in Danish, never the
//! operating system's English.

use std::io::ErrorKind;

/// Why a connection or a file write failed, in Danish (a kind without its own wording is
/// "ukendt fejl").
pub(crate) fn io_kind_da(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotFound => "findes ikke",
        ErrorKind::PermissionDenied => "adgang nægtet",
        ErrorKind::ConnectionRefused => "forbindelsen blev afvist",
        ErrorKind::ConnectionReset => "forbindelsen blev afbrudt",
        ErrorKind::ConnectionAborted => "forbindelsen blev afbrudt",
        ErrorKind::NotConnected => "ikke forbundet",
        ErrorKind::AddrInUse => "adressen er i brug",
        ErrorKind::AddrNotAvailable => "adressen findes ikke",
        ErrorKind::BrokenPipe => "forbindelsen blev lukket",
        ErrorKind::AlreadyExists => "findes allerede",
        ErrorKind::WouldBlock => "optaget",
        ErrorKind::InvalidInput | ErrorKind::InvalidData => "ugyldige data",
        ErrorKind::TimedOut => "svarede ikke i tide",
        ErrorKind::WriteZero => "kunne ikke skrive",
        ErrorKind::Interrupted => "afbrudt",
        ErrorKind::Unsupported => "understøttes ikke",
        ErrorKind::UnexpectedEof => "data sluttede for tidligt",
        ErrorKind::OutOfMemory => "ikke nok hukommelse",
        ErrorKind::HostUnreachable => "serveren kan ikke nås",
        ErrorKind::NetworkUnreachable => "netværket kan ikke nås",
        ErrorKind::NetworkDown => "netværket er nede",
        ErrorKind::StorageFull => "disken er fuld",
        ErrorKind::ReadOnlyFilesystem => "filsystemet er skrivebeskyttet",
        ErrorKind::QuotaExceeded => "kvoten er brugt op",
        ErrorKind::DirectoryNotEmpty => "mappen er ikke tom",
        ErrorKind::NotADirectory => "ikke en mappe",
        ErrorKind::IsADirectory => "er en mappe",
        ErrorKind::ResourceBusy => "optaget",
        _ => "ukendt fejl",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kinds_a_sender_meets_are_worded_in_danish() {
        assert_eq!(io_kind_da(ErrorKind::PermissionDenied), "adgang nægtet");
        assert_eq!(io_kind_da(ErrorKind::TimedOut), "svarede ikke i tide");
        assert_eq!(io_kind_da(ErrorKind::Other), "ukendt fejl");
    }
}

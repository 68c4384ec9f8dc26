package entitled

// opKeys name each operation in the i18n catalogue ("op.createCatalog"),
// so that a 403 says what was refused in the reader's language.
var opKeys = map[Op]string{
	OpCreateCatalog: "op.createCatalog", OpReadCatalog: "op.readCatalog",
	OpEditCatalog: "op.editCatalog", OpManagePackages: "op.managePackages",
	OpViewRequests: "op.viewRequests", OpDirectAssign: "op.directAssign",
	OpReprocess: "op.reprocess", OpCancelAny: "op.cancelAny",
	OpManageUsers: "op.manageUsers", OpManageDirectoryRoles: "op.manageDirectoryRoles",
	OpManageSystems: "op.manageSystems", OpReadAudit: "op.readAudit",
}

// Key is the catalogue key of the operation's description (String is its
// English text).
func (o Op) Key() string { return opKeys[o] }

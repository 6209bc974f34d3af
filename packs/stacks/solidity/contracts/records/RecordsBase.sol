// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Registry} from "../Registry.sol";

/// @title What every record contract shares: access checks, the list of ids, references and unique values
/// @notice Ids start at 1 and are never reused. Anyone reads; a member (any role in the Registry) creates and
/// updates; an administrator deletes, and only records that no other record refers to.
abstract contract RecordsBase {
    /// @notice `account` has no role, and the call needs one.
    error Unauthorized(address account);
    /// @notice The call needs `role`, which `account` does not have.
    error MissingRole(address account, bytes32 role);
    /// @notice Only the record contracts of the Registry may count references.
    error NotRecords(address caller);
    /// @notice The Registry has no record contract for `entity` (see Registry.setRecords).
    error UnknownRecords(bytes32 entity);
    /// @notice No record of `entity` has id `id`.
    error NotFound(string entity, uint256 id);
    /// @notice `field` of `entity` is required and was left empty.
    error RequiredField(string entity, string field);
    /// @notice `field` of `entity` refers to a record id `id` that does not exist.
    error InvalidReference(string entity, string field, uint256 id);
    /// @notice Another record of `entity` already has this value of the unique `field`.
    error DuplicateValue(string entity, string field);
    /// @notice The record `id` of `entity` is still referred to by other records: delete or change those first.
    error StillReferenced(string entity, uint256 id);

    /// @notice The Registry: roles, and the record contracts of the other entities.
    Registry public immutable registry;

    /// @notice How many records (of any entity) refer to each record of this one.
    mapping(uint256 id => uint256) public references;

    uint256[] private _ids;
    mapping(uint256 id => uint256) private _position; // position + 1 in _ids; 0: no such record
    uint256 private _lastId;

    constructor(Registry registry_) {
        registry = registry_;
    }

    modifier onlyMember() {
        if (!registry.isMember(msg.sender)) revert Unauthorized(msg.sender);
        _;
    }

    modifier onlyAdmin() {
        bytes32 admin = registry.adminRole();
        if (!registry.hasRole(admin, msg.sender)) revert MissingRole(msg.sender, admin);
        _;
    }

    modifier onlyRecords() {
        if (!registry.isRecords(msg.sender)) revert NotRecords(msg.sender);
        _;
    }

    /// @notice Whether a record has id `id`.
    function exists(uint256 id) public view returns (bool) {
        return _position[id] != 0;
    }

    /// @notice How many records exist.
    function count() external view returns (uint256) {
        return _ids.length;
    }

    /// @notice Ids of the records, at most `limit` of them from position `offset`: creation order until a
    /// deletion, which moves the last id into the deleted one's place.
    function ids(uint256 offset, uint256 limit) external view returns (uint256[] memory page) {
        if (offset >= _ids.length) return new uint256[](0);
        uint256 end = limit < _ids.length - offset ? offset + limit : _ids.length;
        page = new uint256[](end - offset);
        for (uint256 i = offset; i < end; ++i) page[i - offset] = _ids[i];
    }

    /// @notice One more record refers to record `id` (called by the record contracts only).
    function addReference(uint256 id) external onlyRecords {
        if (_position[id] == 0) revert NotFound(_entityName(), id);
        references[id] += 1;
    }

    /// @notice One record fewer refers to record `id` (called by the record contracts only).
    function releaseReference(uint256 id) external onlyRecords {
        references[id] -= 1;
    }

    /// @dev The entity's name, for errors.
    function _entityName() internal pure virtual returns (string memory);

    /// @dev A new id, listed.
    function _newId() internal returns (uint256 id) {
        id = ++_lastId;
        _ids.push(id);
        _position[id] = _ids.length;
    }

    /// @dev Reverts with NotFound unless record `id` exists.
    function _requireRecord(uint256 id) internal view {
        if (_position[id] == 0) revert NotFound(_entityName(), id);
    }

    /// @dev Takes `id` off the list, after checking that nothing refers to it.
    function _removeId(uint256 id) internal {
        uint256 position = _position[id];
        if (position == 0) revert NotFound(_entityName(), id);
        if (references[id] != 0) revert StillReferenced(_entityName(), id);
        uint256 last = _ids[_ids.length - 1];
        _ids[position - 1] = last;
        _position[last] = position;
        _ids.pop();
        delete _position[id];
    }

    /// @dev Moves a ref field from record `previous` to record `next` of `entity` (0: none), checking that
    /// `next` exists. Reverts with InvalidReference naming `field` otherwise.
    function _moveReference(bytes32 entity, string memory field, uint256 previous, uint256 next) internal {
        if (previous == next) {
            if (next != 0 && !_recordsOf(entity).exists(next)) revert InvalidReference(_entityName(), field, next);
            return;
        }
        if (next != 0) {
            RecordsBase target = _recordsOf(entity);
            if (!target.exists(next)) revert InvalidReference(_entityName(), field, next);
            target.addReference(next);
        }
        if (previous != 0) _recordsOf(entity).releaseReference(previous);
    }

    function _recordsOf(bytes32 entity) private view returns (RecordsBase) {
        address records = registry.recordsOf(entity);
        if (records == address(0)) revert UnknownRecords(entity);
        return RecordsBase(records);
    }

    /// @dev The key of a unique text value; 0 for an empty text, which is not claimed (like NULL in SQL).
    function _textKey(string memory value) internal pure returns (bytes32) {
        return bytes(value).length == 0 ? bytes32(0) : keccak256(bytes(value));
    }

    /// @dev The key of another unique value, ABI-encoded.
    function _valueKey(bytes memory encoded) internal pure returns (bytes32) {
        return keccak256(encoded);
    }

    /// @dev Records that `id` holds the unique value `key` of `field`; reverts when another record does.
    function _claimUnique(mapping(bytes32 => uint256) storage owners, bytes32 key, uint256 id, string memory field)
        internal
    {
        if (key == bytes32(0)) return;
        uint256 owner = owners[key];
        if (owner != 0 && owner != id) revert DuplicateValue(_entityName(), field);
        owners[key] = id;
    }

    /// @dev Frees the unique value `key` held by `id`.
    function _releaseUnique(mapping(bytes32 => uint256) storage owners, bytes32 key, uint256 id) internal {
        if (key != bytes32(0) && owners[key] == id) delete owners[key];
    }
}

from rest_framework import serializers

from organisations.models import Employee, Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "ods_code", "kind", "ics", "in_house"]


class EmployeeSerializer(serializers.ModelSerializer):
    organisation: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)

    class Meta:
        model = Employee
        # Equality fields stay out of the API: they are used only in aggregate.
        fields = ["id", "esr_number", "first_name", "last_name", "organisation", "staff_group", "job_role"]
